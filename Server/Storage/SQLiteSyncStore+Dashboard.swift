import Foundation
import GRDB
import MimamoriShared

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
            var accumulator = DashboardReading.CounterAccumulator()
            while let row = try rows.next() {
                accumulator.add(fiscalYear: row["fiscal_year"], district: row["district"], dimension: row["dimension"],
                                key: row["key"], kind: row["kind"], count: row["count"])
            }
            return accumulator.counters
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
            var accumulator = DashboardReading.MinseiAccumulator(month: month)
            let placeholders = Self.placeholders(districts.count)
            for row in try Row.fetchAll(db, sql: """
                SELECT district, visitor_id, metric, count FROM minsei_activity
                WHERE month = ? AND district IN (\(placeholders)) AND count <> 0
                """, arguments: arguments) {
                accumulator.addMetric(visitorId: row["visitor_id"], district: row["district"], metric: row["metric"], count: row["count"])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT district, visitor_id, COUNT(*) AS n FROM minsei_days
                WHERE month = ? AND district IN (\(placeholders)) AND count > 0 GROUP BY district, visitor_id
                """, arguments: arguments) {
                accumulator.addDays(visitorId: row["visitor_id"], district: row["district"], count: row["n"])
            }
            return accumulator.months
        }
    }

    public func laptops(districts: Set<String>) async throws -> [LaptopActivity] {
        let tokens = DashboardReading.laptopTokens(try await tokens(), districts: districts)
        return try await writer.read { db in
            var activity: [String: DashboardReading.ReplicaActivity] = [:]
            let statement = try db.cachedStatement(sql: "SELECT * FROM replica_activity WHERE replica_id = ?")
            for replica in tokens.compactMap(\.replicaId) {
                guard let row = try Row.fetchOne(statement, arguments: [replica]) else { continue }
                // Both times may be NULL (a laptop that only pulled, or never reached the server).
                activity[replica] = .init(lastPushAt: row["last_push_at"], lastContactAt: row["last_contact_at"],
                                          refusedTotal: row["refused_total"], refusedLastPush: row["refused_last_push"])
            }
            return DashboardReading.laptops(tokens, activity: activity)
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

    public func recordContact(replicaId: String, at time: Timestamp) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO replica_activity (replica_id, last_contact_at) VALUES (?, ?)
                ON CONFLICT (replica_id) DO UPDATE SET last_contact_at = excluded.last_contact_at
                """, arguments: [replicaId, time.milliseconds])
        }
    }

    public func startSession(_ session: DashboardSessionRecord, now: Timestamp) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE expires_at <= ?", arguments: [now.milliseconds])
            try db.execute(sql: "INSERT INTO dashboard_sessions (id_hash, token_id, expires_at) VALUES (?, ?, ?)",
                           arguments: [session.idHash, session.tokenId, session.expiresAt.milliseconds])
        }
    }

    public func sessionToken(idHash: String, now: Timestamp) async throws -> TokenInfo? {
        try await writer.read { db in
            try TokenRow.fetchOne(db, sql: """
                SELECT t.* FROM dashboard_sessions s JOIN tokens t ON t.id = s.token_id
                WHERE s.id_hash = ? AND s.expires_at > ? AND t.revoked_at IS NULL
                """, arguments: [idHash, now.milliseconds])?.info()
        }
    }

    public func endSession(idHash: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE id_hash = ?", arguments: [idHash])
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
        try SQLiteDashboardTables(db: db).write(deltas, at: .now())
    }
}
