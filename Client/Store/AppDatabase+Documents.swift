import Foundation
import GRDB
import MimamoriShared

/// The one place that keeps versions, projections and counters in step, for local writes and pulled pages
/// alike: a `DocumentBatch` reads the held versions of all the documents it will change in one query, merges in
/// memory, and writes with multi-row statements — a local write is a batch of one document, a pulled page a
/// batch of hundreds.
extension AppDatabase {
    static func loadSet(_ db: Database, documentId: String) throws -> VersionSet {
        try VersionSet(StoredVersion.all().of(document: documentId).current().fetchAll(db).map { try $0.version(db) })
    }

    static func loadVersion(_ db: Database, documentId: String, dot: Dot) throws -> Version? {
        try StoredVersion.all().of(document: documentId).at(dot).fetchOne(db)?.version(db)
    }

    static func requireReplica(_ db: Database) throws -> Replica {
        guard let replica = try Replica.fetchOne(db) else { throw ClientError.notInitialized(path: "this data folder") }
        return replica
    }

    /// One local write (create, edit, delete, resolve): the new version supersedes everything held for the
    /// document, goes into the outbox, and the replica's counter advances — all in the caller's transaction.
    static func writeLocal(_ db: Database, _ payload: DocumentPayload, deleted: Bool = false,
                           now: Timestamp) throws -> Version {
        let replica = try requireReplica(db)
        var batch = try DocumentBatch(db, documentIds: [payload.id], receivedAt: now)
        let before = batch.currentSet(payload.id)
        // Never below a counter this replica is already known to have used (e.g. seen again in a pulled page).
        let used = max(UInt64(replica.counter), before.mergedVector[replica.replicaId])
        let counter = used + 1
        let version = before.write(payload, deleted: deleted, replica: replica.replicaId, counter: counter,
                                   author: replica.visitorId, at: now)
        var after = before
        try after.apply(version)
        batch.record(documentId: payload.id, before: before, after: after, seen: [CanonicalVersion(version)])
        try batch.write(db)
        try OutboxEntry(documentId: version.documentId, dot: version.dot).insert(db)
        try db.cachedStatement(sql: "UPDATE replica SET counter = ? WHERE id = 1").execute(arguments: [Int64(counter)])
        return version
    }
}

/// The changes to a set of documents made in one transaction, collected in memory and written at once.
struct DocumentBatch {
    private struct Held {
        let rowId: Int64
        var current: Bool
    }

    /// Every version held of each document (current or not), by dot.
    private var held: [String: [Dot: Held]] = [:]
    /// Each document's current set, as read and then as recorded.
    private var sets: [String: VersionSet] = [:]
    private var nextRowId: Int64
    private let receivedAt: Int64

    private var newVersions: [StoredVersion] = []
    private var becameCurrent: [Int64] = []
    private var leftCurrent: [Int64] = []
    private var visitProjections: [DatabaseValue] = []
    private var subjectProjections: [DatabaseValue] = []
    private var counterDeltas: [CounterKey: Int] = [:]
    /// Documents whose current set got a second version they did not have (for `PulledPageResult`).
    private(set) var newConflicts = 0

    /// Reads what is held of `documentIds`: every version's key, and the current ones in full.
    init(_ db: Database, documentIds: [String], receivedAt: Timestamp) throws {
        self.receivedAt = receivedAt.milliseconds
        nextRowId = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM version") ?? 0) + 1
        let ids = Array(Set(documentIds))
        var current: [String: [Version]] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let part = ids[chunk..<min(chunk + 500, ids.count)]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT id, document_id, dot_replica, dot_counter, current, CASE WHEN current THEN json END AS json
                FROM version WHERE document_id IN (\(Array(repeating: "?", count: part.count).joined(separator: ",")))
                """), arguments: StatementArguments(Array(part)))
            while let row = try rows.next() {
                let documentId: String = row[StoredVersion.Columns.documentId]
                let dot = Dot(replica: row[StoredVersion.Columns.dotReplica],
                              counter: UInt64(row[StoredVersion.Columns.dotCounter] as Int64))
                let isCurrent: Bool = row[StoredVersion.Columns.current]
                held[documentId, default: [:]][dot] = Held(rowId: row[StoredVersion.Columns.id], current: isCurrent)
                if isCurrent {
                    current[documentId, default: []].append(try Sealing.version(row[StoredVersion.Columns.json], in: db))
                }
            }
        }
        for (id, versions) in current { sets[id] = try VersionSet(versions) }
    }

    func currentSet(_ documentId: String) -> VersionSet { sets[documentId] ?? VersionSet() }

    /// Merges a document's incoming versions into its current set (the shared merge rule) and records the result.
    mutating func merge(documentId: String, incoming: [CanonicalVersion]) throws {
        let before = currentSet(documentId)
        let after = try before.merging(VersionSet(incoming.lazy.map(\.version).filter { $0.documentId == documentId }))
        record(documentId: documentId, before: before, after: after, seen: incoming)
    }

    /// Records that a document's current set went from `before` to `after`, having seen `seen` (each kept in
    /// the history once, with the JSON given); the projection and counters follow the display version.
    mutating func record(documentId id: String, before: VersionSet, after: VersionSet, seen: [CanonicalVersion]) {
        var dots = held[id] ?? [:]
        let currentDots = Set(after.versions.lazy.map(\.dot))
        for (dot, h) in dots where h.current != currentDots.contains(dot) {
            if h.current { leftCurrent.append(h.rowId) } else { becameCurrent.append(h.rowId) }
            dots[dot]!.current.toggle()
        }
        for s in seen where s.version.documentId == id && dots[s.version.dot] == nil {
            let isCurrent = currentDots.contains(s.version.dot)
            dots[s.version.dot] = Held(rowId: nextRowId, current: isCurrent)
            newVersions.append(StoredVersion(id: nextRowId, documentId: id, dotReplica: s.version.dot.replica,
                                             dotCounter: Int64(s.version.dot.counter), current: isCurrent,
                                             json: s.json, receivedAt: receivedAt))
            nextRowId += 1
        }
        held[id] = dots
        sets[id] = after
        guard before != after, let display = after.display, let rowId = dots[display.dot]?.rowId else { return }
        if after.isConflict && !before.isConflict { newConflicts += 1 }
        project(display, rowId: rowId, inConflict: after.isConflict)
        for (key, delta) in IndicatorCounting.deltas(before: before.display, after: display) {
            counterDeltas[key, default: 0] += delta
        }
    }

    /// The query projection of a document's display version: the columns lists and `due` filter on, and the
    /// row of the version itself. Derived here and nowhere else.
    private mutating func project(_ display: Version, rowId: Int64, inConflict: Bool) {
        switch display.payload {
        case let .visit(v):
            visitProjections += [v.id.databaseValue, v.date.description.databaseValue, v.kind.rawValue.databaseValue,
                                 v.method.rawValue.databaseValue, v.outcome.rawValue.databaseValue,
                                 v.subjectId.databaseValue, v.district.databaseValue, v.visitorId.databaseValue,
                                 display.deleted.databaseValue, inConflict.databaseValue, rowId.databaseValue]
        case let .subject(s):
            subjectProjections += [s.id.databaseValue, s.name.databaseValue, s.district.databaseValue,
                                   s.active.databaseValue, s.cadenceDays?.databaseValue ?? .null,
                                   display.deleted.databaseValue, inConflict.databaseValue, rowId.databaseValue]
        }
    }

    static let visitProjectionColumns = "id, date, kind, method, outcome, subject_id, district, visitor_id, deleted, in_conflict, version_id"
    static let subjectProjectionColumns = "id, name, district, active, cadence_days, deleted, in_conflict, version_id"

    /// Writes everything recorded: new versions, current flags, projections and counters, each kind with
    /// multi-row statements (at most `rowsPerStatement` rows, well under SQLite's limit on arguments).
    func write(_ db: Database) throws {
        let columns = StoredVersion.allColumns.map(\.name).joined(separator: ", ")
        for chunk in stride(from: 0, to: newVersions.count, by: Self.rowsPerStatement) {
            let rows = newVersions[chunk..<min(chunk + Self.rowsPerStatement, newVersions.count)]
            var arguments = StatementArguments()
            for row in rows { arguments += try row.sealed(db).arguments }
            try db.cachedStatement(sql: """
                INSERT INTO version (\(columns)) VALUES \(valuesList(rows: rows.count, columns: StoredVersion.allColumns.count))
                """).execute(arguments: arguments)
        }
        for (ids, flag) in [(leftCurrent, false), (becameCurrent, true)] where !ids.isEmpty {
            try StoredVersion.filter(ids.contains(StoredVersion.Columns.id)).updateAll(db, StoredVersion.Columns.current.set(to: flag))
        }
        try Self.insertRows(db, table: "visit_index", columns: Self.visitProjectionColumns, width: 11, values: visitProjections)
        try Self.insertRows(db, table: "subject_index", columns: Self.subjectProjectionColumns, width: 8,
                            values: Sealing.sealNames(subjectProjections, width: 8, at: 1, in: db))
        try CounterRecord.add(counterDeltas, in: db)
    }

    static let rowsPerStatement = 250

    /// `INSERT OR REPLACE` of rows of `width` values each, `rowsPerStatement` rows a statement.
    private static func insertRows(_ db: Database, table: String, columns: String, width: Int,
                                   values: [DatabaseValue]) throws {
        let count = values.count / width
        for chunk in stride(from: 0, to: count, by: rowsPerStatement) {
            let rows = min(rowsPerStatement, count - chunk)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO \(table) (\(columns)) VALUES \(valuesList(rows: rows, columns: width))")
                .execute(arguments: StatementArguments(values[(chunk * width)..<((chunk + rows) * width)]))
        }
    }
}
