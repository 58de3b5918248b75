import Foundation
import MimamoriShared
import PostgresNIO

/// The dashboard's tables in PostgreSQL, written in the push's transaction: the same rows as
/// `SQLiteDashboardTables`, each kind of row one statement over arrays (`unnest`), whatever the batch's size.
/// The additions to counters wait for the `server_state` lock (`sendAtCommit`), so they never race another
/// push's; a document's conflict row is written at once, under its document's lock, and the laptop's row under its
/// replica's lock.
extension PostgresPushTransaction: DashboardTableWriter {
    func addDistrictCounters(_ deltas: [DistrictCounterKey: Int]) throws {
        let rows = Array(deltas)
        sendAtCommit("""
            INSERT INTO district_counters (fiscal_year, district, dimension, key, kind, count)
            SELECT * FROM \(Part.afterNumbering)unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
            ON CONFLICT (fiscal_year, district, dimension, key, kind) DO UPDATE SET count = district_counters.count + excluded.count
            """) {
            $0.append(rows.map { Int32(clamping: $0.key.fiscalYear) })
            $0.append(rows.map(\.key.district))
            $0.append(rows.map(\.key.dimension))
            $0.append(rows.map(\.key.key))
            $0.append(rows.map(\.key.kind.rawValue))
            $0.append(rows.map { Int64($0.value) })
        }
    }

    func addNichijiHolders(_ deltas: [NichijiHolderKey: Int]) throws {
        let rows = Array(deltas)
        func bind(_ b: inout PostgresBindings, _ rows: [(key: NichijiHolderKey, value: Int)]) {
            b.append(rows.map { Int32(clamping: $0.key.fiscalYear) })
            b.append(rows.map(\.key.district))
            b.append(rows.map(\.key.subjectId))
        }
        sendAtCommit("""
            INSERT INTO nichiji_holders (fiscal_year, district, subject_id, count)
            SELECT * FROM \(Part.afterNumbering)unnest($1::integer[], $2::text[], $3::text[], $4::bigint[])
            ON CONFLICT (fiscal_year, district, subject_id) DO UPDATE SET count = nichiji_holders.count + excluded.count
            """) {
            bind(&$0, rows)
            $0.append(rows.map { Int64($0.value) })
        }
        // Only a row that went down can have reached zero.
        let lowered = rows.filter { $0.value < 0 }
        guard !lowered.isEmpty else { return }
        try sendAfterCommitStatement("""
            DELETE FROM nichiji_holders h USING unnest($1::integer[], $2::text[], $3::text[]) AS k(fiscal_year, district, subject_id)
            WHERE h.fiscal_year = k.fiscal_year AND h.district = k.district AND h.subject_id = k.subject_id AND h.count = 0
            """) { bind(&$0, lowered) }
    }

    func addMinsei(metrics: [MinseiKey: Int], days: [MinseiDayKey: Int]) throws {
        if !metrics.isEmpty {
            let rows = Array(metrics)
            sendAtCommit("""
                INSERT INTO minsei_activity (month, district, visitor_id, metric, count)
                SELECT * FROM \(Part.afterNumbering)unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
                ON CONFLICT (month, district, visitor_id, metric) DO UPDATE SET count = minsei_activity.count + excluded.count
                """) {
                $0.append(rows.map(\.key.month))
                $0.append(rows.map(\.key.district))
                $0.append(rows.map(\.key.visitorId))
                $0.append(rows.map(\.key.metric))
                $0.append(rows.map { Int64($0.value) })
            }
        }
        guard !days.isEmpty else { return }
        let rows = Array(days)
        func bind(_ b: inout PostgresBindings, _ rows: [(key: MinseiDayKey, value: Int)]) {
            b.append(rows.map(\.key.month))
            b.append(rows.map(\.key.district))
            b.append(rows.map(\.key.visitorId))
            b.append(rows.map(\.key.date))
        }
        sendAtCommit("""
            INSERT INTO minsei_days (month, district, visitor_id, date, count)
            SELECT * FROM \(Part.afterNumbering)unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
            ON CONFLICT (month, district, visitor_id, date) DO UPDATE SET count = minsei_days.count + excluded.count
            """) {
            bind(&$0, rows)
            $0.append(rows.map { Int64($0.value) })
        }
        let lowered = rows.filter { $0.value < 0 }
        guard !lowered.isEmpty else { return }
        try sendAfterCommitStatement("""
            DELETE FROM minsei_days d USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(month, district, visitor_id, date)
            WHERE d.month = k.month AND d.district = k.district AND d.visitor_id = k.visitor_id AND d.date = k.date AND d.count = 0
            """) { bind(&$0, lowered) }
    }

    func saveConflicts(listed: [ConflictRow], resolved: [String], at now: Timestamp) throws {
        if !resolved.isEmpty {
            try send("DELETE FROM conflicts WHERE document_id = ANY($1)") { $0.append(resolved) }
        }
        guard !listed.isEmpty else { return }
        try send("""
            INSERT INTO conflicts (document_id, district, type, visit_date, versions, since)
            SELECT k.document_id, k.district, k.type, NULLIF(k.visit_date, ''), k.versions, $6::bigint
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[]) AS k(document_id, district, type, visit_date, versions)
            ON CONFLICT (document_id) DO UPDATE SET district = excluded.district, type = excluded.type,
                visit_date = excluded.visit_date, versions = excluded.versions
            """) {
            $0.append(listed.map(\.documentId))
            $0.append(listed.map(\.district))
            $0.append(listed.map(\.type))
            $0.append(listed.map { $0.visitDate ?? "" })  // '' for none: arrays carry no NULLs here
            $0.append(listed.map { Int32(clamping: $0.versions) })
            $0.append(now.milliseconds)
        }
    }

    func recordPush(replica: String, refused: Int, at now: Timestamp) throws {
        // In the commit's statement (one statement fewer); the replica's row has one writer at a time (its lock).
        sendAtCommit("""
            INSERT INTO replica_activity (replica_id, last_push_at, last_contact_at, refused_total, refused_last_push)
            VALUES ($1, $2, $2, $3, $3)
            ON CONFLICT (replica_id) DO UPDATE SET last_push_at = excluded.last_push_at,
                last_contact_at = excluded.last_contact_at,
                refused_total = replica_activity.refused_total + excluded.refused_total,
                refused_last_push = excluded.refused_last_push
            """) {
            $0.append(replica)
            $0.append(now.milliseconds)
            $0.append(Int64(refused))
        }
    }
}
