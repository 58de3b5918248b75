import Foundation
import GRDB
import MimamoriShared

/// The low-level document store shared by local writes and pulled pages: one place that keeps versions,
/// history, projections and counters in step, so the two paths cannot drift.
///
/// Hot statements go through `cachedStatement`, since a pulled page runs them once per document.
extension AppDatabase {
    static func loadSet(_ db: Database, documentId: String) throws -> VersionSet {
        let rows = try Data.fetchAll(db.cachedStatement(sql: "SELECT json FROM versions WHERE document_id = ?"), arguments: [documentId])
        return try VersionSet(rows.map { try MimamoriJSON.decode(Version.self, from: $0) })
    }

    static func loadVersion(_ db: Database, documentId: String, dot: Dot) throws -> Version? {
        let data = try Data.fetchOne(db, sql: """
            SELECT json FROM history WHERE document_id = ? AND dot_replica = ? AND dot_counter = ?
            """, arguments: [documentId, dot.replica, Int64(dot.counter)])
        return try data.map { try MimamoriJSON.decode(Version.self, from: $0) }
    }

    static func requireReplica(_ db: Database) throws -> Replica {
        guard let replica = try Replica.fetchOne(db) else { throw ClientError.notInitialized(path: "this data folder") }
        return replica
    }

    /// Replaces a document's stored sibling set `before` with `after`, records `seen` in the history, and
    /// updates the projection and the counters by the change of display version.
    /// (The document id and type are passed in rather than read from a version: deriving them with `??` from
    /// two optional versions crashed the Swift 6.3 optimizer in release builds.)
    static func store(_ db: Database, documentId id: String, type: DocumentType, before: VersionSet, after: VersionSet,
                      seen: [Version], now: Timestamp) throws {
        let receivedAt = now.description
        for v in seen + after.versions {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO history (document_id, dot_replica, dot_counter, json, received_at)
                VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [id, v.dot.replica, Int64(v.dot.counter), try MimamoriJSON.encode(v), receivedAt])
        }
        guard before != after else { return }
        try db.cachedStatement(sql: "DELETE FROM versions WHERE document_id = ?").execute(arguments: [id])
        for v in after.versions {
            try db.cachedStatement(sql: """
                INSERT INTO versions (document_id, type, dot_replica, dot_counter, deleted, json)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [id, type.rawValue, v.dot.replica, Int64(v.dot.counter), v.deleted, try MimamoriJSON.encode(v)])
        }
        try project(db, set: after)
        for (key, delta) in IndicatorCounting.deltas(before: before.display, after: after.display) {
            try db.cachedStatement(sql: """
                INSERT INTO counters (fiscal_year, dimension, key, kind, count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (fiscal_year, dimension, key, kind) DO UPDATE SET count = count + excluded.count
                """).execute(arguments: [key.fiscalYear, key.dimension.rawValue, key.key, key.kind.rawValue, delta])
            try db.cachedStatement(sql: """
                DELETE FROM counters WHERE fiscal_year = ? AND dimension = ? AND key = ? AND kind = ? AND count = 0
                """).execute(arguments: [key.fiscalYear, key.dimension.rawValue, key.key, key.kind.rawValue])
        }
    }

    /// Writes the query projection of the document's display version.
    static func project(_ db: Database, set: VersionSet) throws {
        guard let display = set.display else { return }
        switch display.payload {
        case let .visit(v):
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO visit_index
                  (id, date, kind, method, outcome, subject_id, district, visitor_id, deleted, in_conflict, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [v.id, v.date.description, v.kind.rawValue, v.method.rawValue, v.outcome.rawValue,
                                 v.subjectId, v.district, v.visitorId, display.deleted, set.isConflict,
                                 try MimamoriJSON.encode(v)])
        case let .subject(s):
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO subject_index (id, name, district, active, cadence_days, deleted, in_conflict, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [s.id, s.name, s.district, s.active, s.cadenceDays, display.deleted, set.isConflict,
                                 try MimamoriJSON.encode(s)])
        }
    }

    /// One local write (create, edit, delete, resolve): the new version supersedes everything held for the
    /// document, goes into the outbox, and the replica's counter advances — all in the caller's transaction.
    static func writeLocal(_ db: Database, _ payload: DocumentPayload, deleted: Bool = false,
                           now: Timestamp) throws -> Version {
        var replica = try requireReplica(db)
        let before = try loadSet(db, documentId: payload.id)
        // Never below a counter this replica is already known to have used (e.g. seen again in a pulled page).
        let used = max(UInt64(replica.counter), before.mergedVector[replica.replicaId])
        let counter = used + 1
        let version = before.write(payload, deleted: deleted, replica: replica.replicaId, counter: counter,
                                   author: replica.visitorId, at: now)
        var after = before
        try after.apply(version)
        try store(db, documentId: version.documentId, type: payload.type, before: before, after: after, seen: [version], now: now)
        try db.cachedStatement(sql: """
            INSERT INTO outbox (document_id, dot_replica, dot_counter, state) VALUES (?, ?, ?, 'pending')
            """).execute(arguments: [version.documentId, version.dot.replica, Int64(version.dot.counter)])
        replica.counter = Int64(counter)
        try db.cachedStatement(sql: "UPDATE replica SET counter = ? WHERE id = 1").execute(arguments: [replica.counter])
        return version
    }
}
