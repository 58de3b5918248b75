import Foundation
import GRDB
import MimamoriShared

/// The physical ceiling on this machine: inserting the same rows (id + the version's JSON, encoded before the
/// clock starts) into a plain SQLite table in WAL mode, 1000 rows per transaction, one prepared statement,
/// nothing else. Everything push and pull do beyond this — HTTP, JSON, validation, merge, indexes, counters —
/// is the distance to it.
enum Ceiling {
    static func plainInsert(_ versions: [Version], in directory: URL) throws -> Double {
        let pool = try DatabasePool(path: directory.appendingPathComponent("ceiling.sqlite").path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE rows (id TEXT PRIMARY KEY, body TEXT NOT NULL)") }
        let rows = versions.map { ($0.documentId, String(decoding: VersionJSON.encode($0), as: UTF8.self)) }
        let start = ContinuousClock.now
        for chunk in stride(from: 0, to: rows.count, by: 1000) {
            try pool.write { db in
                let statement = try db.makeStatement(sql: "INSERT INTO rows (id, body) VALUES (?, ?)")
                for (id, body) in rows[chunk..<min(chunk + 1000, rows.count)] {
                    try statement.execute(arguments: [id, body])
                }
            }
        }
        return Double(rows.count) / (ContinuousClock.now - start).seconds
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? .nan : s[s.count / 2]
}
