import GRDB
import MimamoriShared

/// One local indicator counter (見守り訪問活動件数 by 年度, dimension, key and kind), maintained with the shared
/// `IndicatorCounting.deltas` in the same transaction as the versions it counts, so `totals` never scans visits.
struct CounterRecord: Codable, Hashable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "counters"
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    var fiscalYear: Int
    var dimension: String
    var key: String
    var kind: String
    var count: Int

    enum Columns {
        static let fiscalYear = Column("fiscal_year")
        static let dimension = Column("dimension")
        static let key = Column("key")
        static let kind = Column("kind")
        static let count = Column("count")
    }

    /// Nil for a row of a dimension this version does not know.
    var counterKey: CounterKey? {
        CounterDimension(rawValue: dimension).map {
            CounterKey(fiscalYear: fiscalYear, dimension: $0, key: key, kind: VisitKind(rawValue: kind))
        }
    }

    /// Adds deltas with one multi-row upsert, then drops the counters that reached zero (only a decrease can).
    static func add(_ deltas: [CounterKey: Int], in db: Database) throws {
        let changes = deltas.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        guard !changes.isEmpty else { return }
        for chunk in stride(from: 0, to: changes.count, by: 500) {
            let rows = changes[chunk..<min(chunk + 500, changes.count)]
            var arguments = StatementArguments()
            for (key, delta) in rows {
                arguments += [key.fiscalYear, key.dimension.rawValue, key.key, key.kind.rawValue, delta]
            }
            try db.cachedStatement(sql: """
                INSERT INTO counters (fiscal_year, dimension, key, kind, count) VALUES \(valuesList(rows: rows.count, columns: 5))
                ON CONFLICT (fiscal_year, dimension, key, kind) DO UPDATE SET count = count + excluded.count
                """).execute(arguments: arguments)
        }
        if changes.contains(where: { $0.value < 0 }) {
            try CounterRecord.filter(Columns.count == 0).deleteAll(db)
        }
    }
}

/// `(?, ?, …), (?, ?, …), …` for a multi-row statement.
func valuesList(rows: Int, columns: Int) -> String {
    let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
    return Array(repeating: row, count: rows).joined(separator: ", ")
}
