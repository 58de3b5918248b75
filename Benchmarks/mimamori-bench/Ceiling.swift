import Foundation
import GRDB
import MimamoriShared

/// The physical ceiling on this machine: inserting the same rows (id + the version's JSON) into a plain
/// SQLite table in WAL mode, 1000 rows per transaction, one prepared statement, nothing else. The JSON is
/// written by `VersionJSON` (the same bytes as `MimamoriJSON.encode`): with Foundation's encoder, about 32 µs
/// of the ~44 µs a row was JSON, and the "ceiling" measured Codable rather than SQLite.
enum Ceiling {
    static func plainInsert(_ versions: [Version], in directory: URL) throws -> Double {
        let pool = try DatabasePool(path: directory.appendingPathComponent("ceiling.sqlite").path)
        try pool.write { db in try db.execute(sql: "CREATE TABLE rows (id TEXT PRIMARY KEY, body TEXT NOT NULL)") }
        let start = ContinuousClock.now
        for chunk in stride(from: 0, to: versions.count, by: 1000) {
            try pool.write { db in
                let statement = try db.makeStatement(sql: "INSERT INTO rows (id, body) VALUES (?, ?)")
                for v in versions[chunk..<min(chunk + 1000, versions.count)] {
                    try statement.execute(arguments: [v.documentId, String(decoding: VersionJSON.encode(v), as: UTF8.self)])
                }
            }
        }
        return Double(versions.count) / (ContinuousClock.now - start).seconds
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
