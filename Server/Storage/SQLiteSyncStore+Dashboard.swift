import Foundation
import GRDB
import MimamoriShared

/// One laptop (a visitor's or an office's replica) as an office sees it: who it is, when it last
/// reached the server and what the server refused it. No visit content.
public struct LaptopActivity: Codable, Sendable, Hashable {
    public let tokenId: String
    public let tokenName: String
    public let role: TokenRole
    public let districts: [String]
    public let replicaId: String?
    public let lastPushAt: Timestamp?
    public let lastContactAt: Timestamp?
    public let refusedTotal: Int
    public let refusedLastPush: Int
}

/// A document in conflict waiting for a person: its id, 校区, type, visit date and since when.
public struct ConflictEntry: Codable, Sendable, Hashable {
    public let documentId: String
    public let district: String
    public let type: String
    public let visitDate: LocalDate?
    public let versions: Int
    public let since: Timestamp
}

/// アウトリーチ等を通じた継続的支援事業 plan events and 日常生活自立支援事業 check-ins of one 年度.
public struct ProgramFigures: Codable, Sendable, Hashable {
    /// Plan events by id (`created`, `replanned`, `closed`).
    public var planEvents: [String: Int]
    public var nichijiCheckins: Int
    /// Distinct contract holders visited by a check-in in the 年度.
    public var nichijiHolders: Int
}

/// One 民生委員's month in the national activity record's terms, from their visits and activities.
public struct MinseiMonth: Codable, Sendable, Hashable {
    public let visitorId: String
    /// The 校区 of the visits (one row per 民生委員 and 校区).
    public let district: String
    /// 訪問回数.
    public let visits: Int
    /// 活動日数: days with any visit or activity.
    public let activeDays: Int
    /// 連絡調整回数: visits whose actions include 関係機関との連絡調整, plus the count of 連絡調整 activities.
    public let liaison: Int
    /// 相談・支援件数: visits with 相談対応 in their actions, or a consultation field or topic.
    public let consultations: Int
    /// The whole record in the national form's layout, with 相談・支援件数 by field and by topic and
    /// その他の活動件数 by category.
    public let report: MonthlyActivityReport
}

/// What the dashboard reads, all from maintained tables: counters, the conflict list, laptop activity.
public protocol DashboardStore: SyncStore {
    /// City-wide counters of the 年度 given (what `counters(fiscalYears:)` gives), or, with `districts`,
    /// the same counters summed over those 校区 only.
    func dashboardCounters(fiscalYears: [Int], districts: Set<String>?) async throws -> [CounterKey: Int]
    /// Visits per 年度 and kind, for every 年度 with any (the trend across years).
    func yearlyCounts(districts: Set<String>?) async throws -> [Int: [VisitKind: Int]]
    /// Outreach plan events and 日常生活自立支援事業 figures of a 年度, city-wide or summed over `districts`.
    func programFigures(fiscalYear: Int, districts: Set<String>?) async throws -> ProgramFigures
    /// The 民生委員 activity records of a month (`YYYY-MM`) in `districts`, by 民生委員 and 校区.
    func minseiMonth(_ month: String, districts: Set<String>) async throws -> [MinseiMonth]
    /// Laptops whose tokens cover any of `districts`, newest contact first.
    func laptops(districts: Set<String>) async throws -> [LaptopActivity]
    /// Documents in conflict in `districts`, oldest first, at most `limit`.
    func conflicts(districts: Set<String>, limit: Int) async throws -> [ConflictEntry]
    /// The token with this public id, revoked or not.
    func token(id: String) async throws -> TokenInfo?
    /// Notes that a laptop reached the server (a pull, say), for "last sync".
    func recordContact(replicaId: String, at: Timestamp) async throws
}

extension SQLiteSyncStore: DashboardStore {
    public func dashboardCounters(fiscalYears: [Int], districts: Set<String>?) async throws -> [CounterKey: Int] {
        guard let districts else { return try await counters(fiscalYears: fiscalYears) }
        guard !fiscalYears.isEmpty, !districts.isEmpty else { return [:] }
        return try await writer.read { db in
            var arguments = StatementArguments(fiscalYears)
            arguments += StatementArguments(districts.sorted())
            let rows = try Row.fetchCursor(db, sql: """
                SELECT fiscal_year, district, dimension, key, kind, count FROM district_counters
                WHERE fiscal_year IN (\(Self.placeholders(fiscalYears.count)))
                  AND district IN (\(Self.placeholders(districts.count))) AND count <> 0
                """, arguments: arguments)
            var counters: [CounterKey: Int] = [:]
            while let row = try rows.next() {
                guard let dimension = CounterDimension(rawValue: row["dimension"]) else { continue }
                let fy: Int = row["fiscal_year"]
                let kind = VisitKind(rawValue: row["kind"])
                let count: Int = row["count"]
                counters[CounterKey(fiscalYear: fy, dimension: dimension, key: row["key"], kind: kind), default: 0] += count
                // The 校区 breakdown is the month breakdown summed per 校区.
                if dimension == .month {
                    counters[CounterKey(fiscalYear: fy, dimension: .district, key: row["district"], kind: kind), default: 0] += count
                }
            }
            return counters
        }
    }

    public func yearlyCounts(districts: Set<String>?) async throws -> [Int: [VisitKind: Int]] {
        try await writer.read { db in
            let rows: RowCursor
            if let districts {
                guard !districts.isEmpty else { return [:] }
                rows = try Row.fetchCursor(db, sql: """
                    SELECT fiscal_year, kind, SUM(count) AS n FROM district_counters
                    WHERE dimension = 'month' AND district IN (\(Self.placeholders(districts.count)))
                    GROUP BY fiscal_year, kind
                    """, arguments: StatementArguments(districts.sorted()))
            } else {
                rows = try Row.fetchCursor(db, sql: """
                    SELECT fiscal_year, kind, SUM(count) AS n FROM counters WHERE dimension = 'month'
                    GROUP BY fiscal_year, kind
                    """)
            }
            var result: [Int: [VisitKind: Int]] = [:]
            while let row = try rows.next() {
                let n: Int = row["n"]
                if n != 0 { result[row["fiscal_year"], default: [:]][VisitKind(rawValue: row["kind"])] = n }
            }
            return result
        }
    }

    public func programFigures(fiscalYear: Int, districts: Set<String>?) async throws -> ProgramFigures {
        try await writer.read { db in
            var filter = ""
            var arguments: StatementArguments = [fiscalYear]
            if let districts {
                guard !districts.isEmpty else { return ProgramFigures(planEvents: [:], nichijiCheckins: 0, nichijiHolders: 0) }
                filter = " AND district IN (\(Self.placeholders(districts.count)))"
                arguments += StatementArguments(districts.sorted())
            }
            var events: [String: Int] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT key, SUM(count) AS n FROM district_counters
                WHERE fiscal_year = ? AND dimension = '\(DistrictCounterKey.planEvent)'\(filter) GROUP BY key
                """, arguments: arguments)
            for row in rows { events[row["key"]] = row["n"] }
            let checkins = try Int.fetchOne(db, sql: """
                SELECT COALESCE(SUM(count), 0) FROM district_counters
                WHERE fiscal_year = ? AND dimension = 'month' AND kind = 'nichiji_checkin'\(filter)
                """, arguments: arguments) ?? 0
            // A holder visited in two 校区 in one 年度 is one person: counted by subject id.
            let holders = try Int.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT subject_id) FROM nichiji_holders WHERE fiscal_year = ? AND count > 0\(filter)
                """, arguments: arguments) ?? 0
            return ProgramFigures(planEvents: events, nichijiCheckins: checkins, nichijiHolders: holders)
        }
    }

    public func minseiMonth(_ month: String, districts: Set<String>) async throws -> [MinseiMonth] {
        guard !districts.isEmpty else { return [] }
        return try await writer.read { db in
            var arguments: StatementArguments = [month]
            arguments += StatementArguments(districts.sorted())
            var metrics: [String: [String: Int]] = [:]
            var days: [String: Int] = [:]
            let placeholders = Self.placeholders(districts.count)
            for row in try Row.fetchAll(db, sql: """
                SELECT district, visitor_id, metric, count FROM minsei_activity
                WHERE month = ? AND district IN (\(placeholders)) AND count <> 0
                """, arguments: arguments) {
                metrics["\(row["visitor_id"] as String)\u{0}\(row["district"] as String)", default: [:]][row["metric"]] = row["count"]
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT district, visitor_id, COUNT(*) AS n FROM minsei_days
                WHERE month = ? AND district IN (\(placeholders)) AND count > 0 GROUP BY district, visitor_id
                """, arguments: arguments) {
                days["\(row["visitor_id"] as String)\u{0}\(row["district"] as String)"] = row["n"]
            }
            return metrics.keys.sorted().map { key in
                let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                let m = metrics[key] ?? [:]
                return MinseiMonth(visitorId: parts[0], district: parts[1], visits: m[MinseiRecord.visits] ?? 0,
                                   activeDays: days[key] ?? 0, liaison: m[MinseiRecord.liaison] ?? 0,
                                   consultations: m[MinseiRecord.consultation] ?? 0,
                                   report: MonthlyActivityReport.make(month: month, visitorId: parts[0], metrics: m,
                                                                      activityDays: days[key] ?? 0))
            }
        }
    }

    public func laptops(districts: Set<String>) async throws -> [LaptopActivity] {
        let tokens = try await tokens().filter { $0.role.syncsDocuments && !Set($0.districts).isDisjoint(with: districts) }
        return try await writer.read { db in
            try tokens.map { token in
                let row = try token.replicaId.flatMap {
                    try Row.fetchOne(db, sql: "SELECT * FROM replica_activity WHERE replica_id = ?", arguments: [$0])
                }
                // Both times may be NULL (a laptop that only pulled, or never reached the server).
                let lastPush: Int64? = row.flatMap { $0["last_push_at"] }
                let lastContact: Int64? = row.flatMap { $0["last_contact_at"] }
                let refusedTotal: Int = row.map { $0["refused_total"] } ?? 0
                let refusedLast: Int = row.map { $0["refused_last_push"] } ?? 0
                return LaptopActivity(
                    tokenId: token.id, tokenName: token.name, role: token.role, districts: token.districts,
                    replicaId: token.replicaId, lastPushAt: lastPush.map(Timestamp.init(milliseconds:)),
                    lastContactAt: lastContact.map(Timestamp.init(milliseconds:)),
                    refusedTotal: refusedTotal, refusedLastPush: refusedLast)
            }
            .sorted { ($0.lastContactAt?.milliseconds ?? -1, $1.tokenName) > ($1.lastContactAt?.milliseconds ?? -1, $0.tokenName) }
        }
    }

    public func conflicts(districts: Set<String>, limit: Int) async throws -> [ConflictEntry] {
        guard !districts.isEmpty else { return [] }
        return try await writer.read { db in
            var arguments = StatementArguments(districts.sorted())
            arguments += [limit]
            return try Row.fetchAll(db, sql: """
                SELECT document_id, district, type, visit_date, versions, since FROM conflicts
                WHERE district IN (\(Self.placeholders(districts.count))) ORDER BY since, document_id LIMIT ?
                """, arguments: arguments).map { row in
                ConflictEntry(documentId: row["document_id"], district: row["district"], type: row["type"],
                              visitDate: (row["visit_date"] as String?).flatMap { LocalDate($0) },
                              versions: row["versions"], since: Timestamp(milliseconds: row["since"]))
            }
        }
    }

    public func token(id: String) async throws -> TokenInfo? {
        try await writer.read { db in try TokenRow.fetchOne(db, key: id)?.info() }
    }

    public func recordContact(replicaId: String, at time: Timestamp) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO replica_activity (replica_id, last_contact_at) VALUES (?, ?)
                ON CONFLICT (replica_id) DO UPDATE SET last_contact_at = excluded.last_contact_at
                """, arguments: [replicaId, time.milliseconds])
        }
    }

    private static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
}

extension SQLiteSyncStore {
    /// Adds what these display versions contribute to the 校区 counters, inside the caller's transaction:
    /// for a bulk load that writes rows directly (the benchmark), so the dashboard reads what push would have kept.
    public static func addDistrictCounters<S: Sequence>(of displays: S, in db: Database) throws where S.Element == Version {
        var deltas = DashboardDeltas()
        for v in displays { deltas.add(before: nil, after: v) }
        try deltas.write(in: db)
    }
}
