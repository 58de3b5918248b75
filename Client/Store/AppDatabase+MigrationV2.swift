import Foundation
import GRDB
import MimamoriShared

extension AppDatabase {
    /// v1 kept every pulled or written version three times (`versions`, `history`, and the payload again in the
    /// projection), as columns the laptop re-encoded for every push. v2 keeps each version once, as its
    /// canonical JSON (`version`), with the current set flagged and the projections pointing at the display
    /// version's row. Every v1 version (history and current set) is carried over, encoded by `VersionJSON`;
    /// the outbox and counters keep their rows as they are.
    static func migrateToCanonicalVersions(_ db: Database) throws {
        try db.create(table: "version") { t in
            t.primaryKey("id", .integer)
            t.column("document_id", .text).notNull()
            t.column("dot_replica", .text).notNull()
            t.column("dot_counter", .integer).notNull()
            t.column("current", .boolean).notNull()
            t.column("json", .blob).notNull()
            t.column("received_at", .integer).notNull()
            t.uniqueKey(["document_id", "dot_replica", "dot_counter"])
        }
        // History first (it holds every version, with when it was received), then any current version it lacks.
        var rowIds: [String: [Dot: Int64]] = [:]
        var nextRowId: Int64 = 1
        let current = try Set(Row.fetchAll(db, sql: "SELECT document_id, dot_replica, dot_counter FROM versions").map(V1Key.init))
        let insert = try db.makeStatement(sql: """
            INSERT INTO version (id, document_id, dot_replica, dot_counter, current, json, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (table, receivedAt) in [("history", "received_at"), ("versions", "NULL")] {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT document_id, dot_replica, dot_counter, deleted, vector, payload, author, written_at, \(receivedAt) AS received_at
                FROM \(table) ORDER BY rowid
                """)
            while let row = try rows.next() {
                let key = V1Key(row)
                guard rowIds[key.documentId]?[key.dot] == nil else { continue }
                let version = try V1Key.version(row)
                let received = (row["received_at"] as String?).flatMap(ISO8601Milliseconds.parse) ?? version.writtenAt.milliseconds
                try insert.execute(arguments: [nextRowId, key.documentId, key.dot.replica, Int64(key.dot.counter),
                                               current.contains(key), VersionJSON.encode(version), received])
                rowIds[key.documentId, default: [:]][key.dot] = nextRowId
                nextRowId += 1
            }
        }
        // The projections keep their columns; the payload copy gives way to the display version's row.
        for (table, columns) in [("visit_index", "id, date, kind, method, outcome, subject_id, district, visitor_id, deleted, in_conflict"),
                                 ("subject_index", "id, name, district, active, cadence_days, deleted, in_conflict")] {
            try db.rename(table: table, to: "\(table)_v1")
            try db.execute(sql: "DROP INDEX IF EXISTS visit_index_date")
            try db.execute(sql: "DROP INDEX IF EXISTS visit_index_subject")
            try createProjection(db, table)
            let set = try db.makeStatement(sql: "INSERT INTO \(table) (\(columns), version_id) SELECT \(columns), ? FROM \(table)_v1 WHERE id = ?")
            for id in try String.fetchAll(db, sql: "SELECT id FROM \(table)_v1") {
                let versions = try StoredVersion.all().of(document: id).current().fetchAll(db).map { try $0.version(db) }
                guard let display = try VersionSet(versions).display, let rowId = rowIds[id]?[display.dot] else {
                    throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(table) row \(id) has no current version")
                }
                try set.execute(arguments: [rowId, id])
            }
            try db.drop(table: "\(table)_v1")
        }
        try db.drop(table: "versions")
        try db.drop(table: "history")
        // A deleted document leaves the lists, and its older content goes (but what the outbox still sends).
        var deletedIds: [String] = []
        for table in ["visit_index", "subject_index"] {
            deletedIds += try String.fetchAll(db, sql: "SELECT id FROM \(table) WHERE deleted")
            try db.execute(sql: "DELETE FROM \(table) WHERE deleted")
        }
        try eraseSupersededContent(db, documentIds: deletedIds)
    }

    /// The projection tables of v2: a row per document, keyed by its id, with the columns queries filter on and
    /// the `version` row of its display version.
    private static func createProjection(_ db: Database, _ table: String) throws {
        if table == "visit_index" {
            try db.create(table: "visit_index", options: .withoutRowID) { t in
                t.primaryKey("id", .text)
                t.column("date", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("method", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("subject_id", .text).notNull()
                t.column("district", .text).notNull()
                t.column("visitor_id", .text).notNull()
                t.column("deleted", .boolean).notNull()
                t.column("in_conflict", .boolean).notNull()
                t.column("version_id", .integer).notNull()
            }
            try db.create(index: "visit_index_date", on: "visit_index", columns: ["deleted", "date"])
            try db.create(index: "visit_index_subject", on: "visit_index", columns: ["subject_id", "deleted", "date"])
        } else {
            try db.create(table: "subject_index", options: .withoutRowID) { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("district", .text).notNull()
                t.column("active", .boolean).notNull()
                t.column("cadence_days", .integer)
                t.column("deleted", .boolean).notNull()
                t.column("in_conflict", .boolean).notNull()
                t.column("version_id", .integer).notNull()
            }
        }
    }
}

/// A version's key and content as v1 stored them: the payload as JSON, the vector as `replica=counter;…`, the
/// time in milliseconds. Read only by the v2 migration.
private struct V1Key: Hashable {
    let documentId: String
    let dot: Dot

    init(_ row: Row) {
        documentId = row["document_id"]
        dot = Dot(replica: row["dot_replica"], counter: UInt64(row["dot_counter"] as Int64))
    }

    static func version(_ row: Row) throws -> Version {
        var counters: [String: UInt64] = [:]
        let text: String = row["vector"]
        for entry in text.split(separator: ";") {
            guard let eq = entry.lastIndex(of: "="), let n = UInt64(entry[entry.index(after: eq)...]) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "bad version vector '\(text)'")
            }
            counters[String(entry[..<eq])] = n
        }
        // Deleting erases (docs/sync.md, retention): a v1 tombstone still carried the record's content.
        let deleted: Bool = row["deleted"]
        let payload = try VersionJSON.decodePayload(row["payload"])
        return Version(payload: deleted ? payload.erased : payload, deleted: deleted,
                       vector: VersionVector(counters), dot: V1Key(row).dot, author: row["author"],
                       writtenAt: Timestamp(milliseconds: row["written_at"]))
    }
}
