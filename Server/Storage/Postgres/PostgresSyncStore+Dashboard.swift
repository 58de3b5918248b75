import Foundation
import MimamoriShared
import PostgresNIO

/// The dashboard's reads on PostgreSQL: the same maintained tables and indexed queries as SQLite's, the rows
/// folded into figures by the shared `DashboardReading`.
extension PostgresSyncStore: DashboardStore {
    public func dashboardCounters(fiscalYears: [Int], districts: Set<String>?) async throws -> [CounterKey: Int] {
        guard let districts else { return try await counters(fiscalYears: fiscalYears) }
        guard !fiscalYears.isEmpty, !districts.isEmpty else { return [:] }
        let years = fiscalYears.map { Int32(clamping: $0) }
        let rows = try await client.query("""
            SELECT fiscal_year, district, dimension, key, kind, count FROM district_counters
            WHERE fiscal_year = ANY(\(years)) AND district = ANY(\(districts.sorted())) AND count <> 0
            """, logger: logger)
        var accumulator = DashboardReading.CounterAccumulator()
        for try await (year, district, dimension, key, kind, count) in rows.decode((Int32, String, String, String, String, Int64).self) {
            accumulator.add(fiscalYear: Int(year), district: district, dimension: dimension, key: key, kind: kind, count: Int(count))
        }
        return accumulator.counters
    }

    public func yearlyCounts(districts: Set<String>?) async throws -> [Int: [VisitKind: Int]] {
        let rows: PostgresRowSequence
        if let districts {
            guard !districts.isEmpty else { return [:] }
            rows = try await client.query("""
                SELECT fiscal_year, kind, SUM(count)::bigint FROM district_counters
                WHERE dimension = 'month' AND district = ANY(\(districts.sorted())) GROUP BY fiscal_year, kind
                """, logger: logger)
        } else {
            rows = try await client.query("""
                SELECT fiscal_year, kind, SUM(count)::bigint FROM counters WHERE dimension = 'month' GROUP BY fiscal_year, kind
                """, logger: logger)
        }
        var result: [Int: [VisitKind: Int]] = [:]
        for try await (year, kind, n) in rows.decode((Int32, String, Int64).self) where n != 0 {
            result[Int(year), default: [:]][VisitKind(rawValue: kind)] = Int(n)
        }
        return result
    }

    public func programFigures(fiscalYear: Int, districts: Set<String>?) async throws -> ProgramFigures {
        if let districts, districts.isEmpty { return ProgramFigures(planEvents: [:], nichijiCheckins: 0, nichijiHolders: 0) }
        let year = Int32(clamping: fiscalYear)
        // NULL districts: the whole city.
        let scope = districts?.sorted()
        var events: [String: Int] = [:]
        for try await (key, n) in try await client.query("""
            SELECT key, SUM(count)::bigint FROM district_counters
            WHERE fiscal_year = \(year) AND dimension = \(DistrictCounterKey.planEvent)
              AND (\(scope)::text[] IS NULL OR district = ANY(\(scope))) GROUP BY key
            """, logger: logger).decode((String, Int64).self) {
            events[key] = Int(n)
        }
        var checkins = 0
        for try await n in try await client.query("""
            SELECT COALESCE(SUM(count), 0)::bigint FROM district_counters
            WHERE fiscal_year = \(year) AND dimension = 'month' AND kind = 'nichiji_checkin'
              AND (\(scope)::text[] IS NULL OR district = ANY(\(scope)))
            """, logger: logger).decode(Int64.self) { checkins = Int(n) }
        // A holder visited in two 校区 in one 年度 is one person: counted by subject id.
        var holders = 0
        for try await n in try await client.query("""
            SELECT COUNT(DISTINCT subject_id) FROM nichiji_holders
            WHERE fiscal_year = \(year) AND count > 0 AND (\(scope)::text[] IS NULL OR district = ANY(\(scope)))
            """, logger: logger).decode(Int64.self) { holders = Int(n) }
        return ProgramFigures(planEvents: events, nichijiCheckins: checkins, nichijiHolders: holders)
    }

    public func minseiMonth(_ month: String, districts: Set<String>) async throws -> [MinseiMonth] {
        guard !districts.isEmpty else { return [] }
        let scope = districts.sorted()
        var accumulator = DashboardReading.MinseiAccumulator(month: month)
        for try await (district, visitor, metric, count) in try await client.query("""
            SELECT district, visitor_id, metric, count FROM minsei_activity
            WHERE month = \(month) AND district = ANY(\(scope)) AND count <> 0
            """, logger: logger).decode((String, String, String, Int64).self) {
            accumulator.addMetric(visitorId: visitor, district: district, metric: metric, count: Int(count))
        }
        for try await (district, visitor, n) in try await client.query("""
            SELECT district, visitor_id, COUNT(*) FROM minsei_days
            WHERE month = \(month) AND district = ANY(\(scope)) AND count > 0 GROUP BY district, visitor_id
            """, logger: logger).decode((String, String, Int64).self) {
            accumulator.addDays(visitorId: visitor, district: district, count: Int(n))
        }
        return accumulator.months
    }

    public func laptops(districts: Set<String>) async throws -> [LaptopActivity] {
        let tokens = DashboardReading.laptopTokens(try await tokens(), districts: districts)
        let replicas = tokens.compactMap(\.replicaId)
        var activity: [String: DashboardReading.ReplicaActivity] = [:]
        if !replicas.isEmpty {
            for try await (replica, push, contact, refusedTotal, refusedLast) in try await client.query("""
                SELECT replica_id, last_push_at, last_contact_at, refused_total, refused_last_push FROM replica_activity
                WHERE replica_id = ANY(\(replicas))
                """, logger: logger).decode((String, Int64?, Int64?, Int64, Int64).self) {
                activity[replica] = .init(lastPushAt: push, lastContactAt: contact,
                                          refusedTotal: Int(refusedTotal), refusedLastPush: Int(refusedLast))
            }
        }
        return DashboardReading.laptops(tokens, activity: activity)
    }

    public func conflicts(districts: Set<String>, limit: Int) async throws -> [ConflictEntry] {
        guard !districts.isEmpty else { return [] }
        var entries: [ConflictEntry] = []
        for try await (id, district, type, date, versions, since) in try await client.query("""
            SELECT document_id, district, type, visit_date, versions, since FROM conflicts
            WHERE district = ANY(\(districts.sorted())) ORDER BY since, document_id LIMIT \(Int64(max(0, limit)))
            """, logger: logger).decode((String, String, String, String?, Int32, Int64).self) {
            entries.append(ConflictEntry(documentId: id, district: district, type: type, visitDate: date.flatMap { LocalDate($0) },
                                         versions: Int(versions), since: Timestamp(milliseconds: since)))
        }
        return entries
    }

    public func recordContact(replicaId: String, at time: Timestamp) async throws {
        try await client.query("""
            INSERT INTO replica_activity (replica_id, last_contact_at) VALUES (\(replicaId), \(time.milliseconds))
            ON CONFLICT (replica_id) DO UPDATE SET last_contact_at = excluded.last_contact_at
            """, logger: logger)
    }

    public func startSession(_ session: DashboardSessionRecord, now: Timestamp) async throws {
        try await client.query("DELETE FROM dashboard_sessions WHERE expires_at <= \(now.milliseconds)", logger: logger)
        try await client.query("""
            INSERT INTO dashboard_sessions (id_hash, token_id, expires_at)
            VALUES (\(session.idHash), \(session.tokenId), \(session.expiresAt.milliseconds))
            """, logger: logger)
    }

    public func sessionToken(idHash: String, now: Timestamp) async throws -> TokenInfo? {
        var binds = PostgresBindings()
        binds.append(idHash)
        binds.append(now.milliseconds)
        let columns = Self.tokenColumns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        return try await tokenRows(PostgresQuery(unsafeSQL: """
            SELECT \(columns) FROM dashboard_sessions s JOIN tokens t ON t.id = s.token_id
            WHERE s.id_hash = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL
            """, binds: binds)).first
    }

    public func endSession(idHash: String) async throws {
        try await client.query("DELETE FROM dashboard_sessions WHERE id_hash = \(idHash)", logger: logger)
    }
}
