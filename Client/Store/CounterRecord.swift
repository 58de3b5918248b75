import GRDB
import MimamoriSQLite
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
/// Built by repeating, not joining: a pulled group makes dozens of these statements of hundreds of rows, and
/// `joined` cost more than binding the rows.
func valuesList(rows: Int, columns: Int) -> String {
    guard rows > 0, columns > 0 else { return "" }
    let row = "(" + String(repeating: "?, ", count: columns - 1) + "?)"
    return String(repeating: row + ", ", count: rows - 1) + row
}

/// `?, ?, …` for an `IN (…)` list of `count` values.
func placeholders(_ count: Int) -> String {
    count > 0 ? String(repeating: "?, ", count: count - 1) + "?" : ""
}

/// One 民生委員 activity counter (`activity_counters`): what a visitor's live visits and activities of a month
/// add up to under `MonthlyActivityReport.contribution(of:)`, plus `day:YYYY-MM-DD` per date (one per document),
/// so `report monthly` reads clear aggregates and never a sealed version.
struct ActivityCounterKey: Hashable {
    let month: String
    let visitorId: String
    let metric: String

    static let dayPrefix = "day:"

    /// What `display` adds: its metrics and its day (one rule with `addDeltas`, which adds it in place).
    static func contribution(of display: Version?) -> [ActivityCounterKey: Int] {
        var keys: [ActivityCounterKey: Int] = [:]
        add(display, times: 1, to: &keys)
        return keys
    }

    /// Adds the change from `before` to `after` into a page's running `totals` (entries may reach zero).
    /// Straight into `totals`, with no dictionary per document.
    static func addDeltas(before: Version?, after: Version?, to totals: inout [ActivityCounterKey: Int]) {
        add(before, times: -1, to: &totals)
        add(after, times: 1, to: &totals)
    }

    /// What `display` adds (`MonthlyActivityReport.forEachMetric`, and one day per document: every live visit or
    /// activity has a metric), each count multiplied by `sign`, added into `totals`.
    private static func add(_ display: Version?, times sign: Int, to totals: inout [ActivityCounterKey: Int]) {
        var month: String?
        MonthlyActivityReport.forEachMetric(of: display) { visitorId, date, metric, n in
            guard let known = month else {
                // The document's first metric: its month, and its day.
                let first = date.monthKey
                month = first
                totals[ActivityCounterKey(month: first, visitorId: visitorId, metric: dayPrefix + date.description), default: 0] += sign
                totals[ActivityCounterKey(month: first, visitorId: visitorId, metric: metric), default: 0] += sign * n
                return
            }
            totals[ActivityCounterKey(month: known, visitorId: visitorId, metric: metric), default: 0] += sign * n
        }
    }

    /// Adds deltas with multi-row upserts (a pulled group brings thousands of keys: a visitor's day each), then
    /// drops the counters that reached zero (so a day with no visit left is no longer a day of activity).
    static func add(_ deltas: [ActivityCounterKey: Int], in db: Database) throws {
        guard !deltas.isEmpty else { return }
        let changes = Array(deltas)
        for chunk in stride(from: 0, to: changes.count, by: DocumentBatch.rowsPerStatement) {
            let rows = changes[chunk..<min(chunk + DocumentBatch.rowsPerStatement, changes.count)]
            var binder = StatementBinder(try db.cachedStatement(sql: """
                INSERT INTO activity_counters (month, visitor_id, metric, count) VALUES \(valuesList(rows: rows.count, columns: 4))
                ON CONFLICT (month, visitor_id, metric) DO UPDATE SET count = count + excluded.count
                """))
            for (k, n) in rows {
                binder.text(k.month); binder.text(k.visitorId); binder.text(k.metric); binder.int(Int64(n))
            }
            try binder.execute("the activity counters")
        }
        if deltas.values.contains(where: { $0 < 0 }) {
            try db.execute(sql: "DELETE FROM activity_counters WHERE count = 0")
        }
    }
}
