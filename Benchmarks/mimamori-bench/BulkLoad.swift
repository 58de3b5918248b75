import Foundation
import GRDB
import MimamoriServer
import MimamoriShared

/// Fills the server's tables directly, for the totals figure at 1M and 10M visits: pushing 10M visits over
/// HTTP would take most of an hour on this machine, and the totals query never reads visits anyway. Rows and
/// counters are exactly what push would have written (counters through the shared `IndicatorCounting`).
enum BulkLoad {
    static func fill(_ store: SQLiteSyncStore, visits range: Range<Int>, progress: (Int) -> Void) throws {
        let chunk = 50_000
        for start in stride(from: range.lowerBound, to: range.upperBound, by: chunk) {
            let end = min(start + chunk, range.upperBound)
            try store.writer.write { db in
                var sequence = try Int64.fetchOne(db, sql: "SELECT last_sequence FROM server_state WHERE id = 1")!
                let doc = try db.makeStatement(sql: "INSERT INTO documents (sequence, document_id, type, district, versions) VALUES (?, ?, 'visit', ?, ?)")
                var counters: [CounterKey: Int] = [:]
                var highest: [String: UInt64] = [:]
                for i in start..<end {
                    let v = Workload.visit(i)
                    sequence += 1
                    try doc.execute(arguments: [sequence, v.documentId, v.payload.district,
                                                String(decoding: VersionJSON.encode(v), as: UTF8.self)])
                    IndicatorCounting.apply(IndicatorCounting.deltas(before: nil, after: v), to: &counters)
                    highest[v.dot.replica] = max(highest[v.dot.replica] ?? 0, v.dot.counter)
                }
                let add = try db.makeStatement(sql: """
                    INSERT INTO counters (fiscal_year, dimension, key, kind, count) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (fiscal_year, dimension, key, kind) DO UPDATE SET count = counters.count + excluded.count
                    """)
                for (k, n) in counters {
                    try add.execute(arguments: [k.fiscalYear, k.dimension.rawValue, k.key, k.kind.rawValue, n])
                }
                let raise = try db.makeStatement(sql: """
                    INSERT INTO replica_counters (replica_id, highest_counter) VALUES (?, ?)
                    ON CONFLICT (replica_id) DO UPDATE SET highest_counter = MAX(replica_counters.highest_counter, excluded.highest_counter)
                    """)
                for (r, c) in highest { try raise.execute(arguments: [r, Int64(c)]) }
                try SQLiteSyncStore.addDistrictCounters(of: (start..<end).lazy.map(Workload.visit), in: db)
                try db.execute(sql: "UPDATE server_state SET last_sequence = ? WHERE id = 1", arguments: [sequence])
            }
            progress(end)
        }
    }
}
