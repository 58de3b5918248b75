import Foundation
import GRDB
import MimamoriShared

/// The low-level document store shared by local writes and pulled pages: one place that keeps versions,
/// history, projections and counters in step, so the two paths cannot drift.
///
/// Hot statements go through `cachedStatement`, since a pulled page runs them once per document.
extension AppDatabase {
    static func loadSet(_ db: Database, documentId: String, coder: VersionCoder = VersionCoder()) throws -> VersionSet {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT \(VersionCoder.columns) FROM versions WHERE document_id = ?"),
                                    arguments: [documentId])
        return try VersionSet(rows.map(coder.version))
    }

    static func loadVersion(_ db: Database, documentId: String, dot: Dot, coder: VersionCoder = VersionCoder()) throws -> Version? {
        let row = try Row.fetchOne(db, sql: """
            SELECT \(VersionCoder.columns) FROM history WHERE document_id = ? AND dot_replica = ? AND dot_counter = ?
            """, arguments: [documentId, dot.replica, Int64(dot.counter)])
        return try row.map(coder.version)
    }

    static func requireReplica(_ db: Database) throws -> Replica {
        guard let replica = try Replica.fetchOne(db) else { throw ClientError.notInitialized(path: "this data folder") }
        return replica
    }

    /// Replaces a document's stored sibling set `before` with `after`, records `seen` in the history, updates
    /// the projection, and adds the change of display version to `counterDeltas` — which the caller writes with
    /// `addToCounters` once per transaction (a pulled page touches the same few counters hundreds of times).
    /// (The document id and type are passed in rather than read from a version: deriving them with `??` from
    /// two optional versions crashed the Swift 6.3 optimizer in release builds.)
    static func store(_ db: Database, documentId id: String, type: DocumentType, before: VersionSet, after: VersionSet,
                      seen: [Version], receivedAt: String, coder: VersionCoder,
                      counterDeltas: inout [CounterKey: Int]) throws {
        var payloads: [Dot: Data] = [:]
        func payload(_ v: Version) throws -> Data {
            if let p = payloads[v.dot] { return p }
            let p = try coder.encode(v.payload)
            payloads[v.dot] = p
            return p
        }
        let history = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO history (\(VersionCoder.columns), received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var recorded = Set<Dot>()
        for v in seen + after.versions where recorded.insert(v.dot).inserted {
            try history.execute(arguments: coder.arguments(v, payload: try payload(v)) + [receivedAt])
        }
        guard before != after else { return }
        try db.cachedStatement(sql: "DELETE FROM versions WHERE document_id = ?").execute(arguments: [id])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO versions (\(VersionCoder.columns), type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for v in after.versions {
            try insert.execute(arguments: coder.arguments(v, payload: try payload(v)) + [type.rawValue])
        }
        if let display = after.display {
            try project(db, display: display, payload: try payload(display), inConflict: after.isConflict)
        }
        try eraseSupersededContent(db, documentId: id, current: after)
        for (key, delta) in IndicatorCounting.deltas(before: before.display, after: after.display) {
            counterDeltas[key, default: 0] += delta
        }
    }

    /// Adds counter deltas, dropping counters that reach zero.
    static func addToCounters(_ db: Database, _ deltas: [CounterKey: Int]) throws {
        for (key, delta) in deltas where delta != 0 {
            let args: StatementArguments = [key.fiscalYear, key.dimension.rawValue, key.key, key.kind.rawValue]
            try db.cachedStatement(sql: """
                INSERT INTO counters (fiscal_year, dimension, key, kind, count) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (fiscal_year, dimension, key, kind) DO UPDATE SET count = count + excluded.count
                """).execute(arguments: args + [delta])
            // Only a decrease can bring a counter to zero.
            guard delta < 0 else { continue }
            try db.cachedStatement(sql: """
                DELETE FROM counters WHERE fiscal_year = ? AND dimension = ? AND key = ? AND kind = ? AND count = 0
                """).execute(arguments: args)
        }
    }

    /// Writes the query projection of the document's display version.
    static func project(_ db: Database, display: Version, payload: Data, inConflict: Bool) throws {
        switch display.payload {
        case let .visit(v):
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO visit_index
                  (id, date, kind, method, outcome, subject_id, district, visitor_id, deleted, in_conflict, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [v.id, v.date.description, v.kind.rawValue, v.method.rawValue, v.outcome.rawValue,
                                         v.subjectId, v.district, v.visitorId, display.deleted, inConflict, payload])
        case let .subject(s):
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO subject_index (id, name, district, active, cadence_days, deleted, in_conflict, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [s.id, s.name, s.district, s.active, s.cadenceDays, display.deleted, inConflict, payload])
        case let .erased(e):
            // Deleted everywhere this replica knows of: the record leaves the lists, and nothing of it stays to show.
            try db.cachedStatement(sql: "DELETE FROM \(e.type == .visit ? "visit_index" : "subject_index") WHERE id = ?")
                .execute(arguments: [e.id])
        }
    }

    /// A district office moved the document to `district`, which this laptop's token does not cover (docs/sync.md,
    /// moves): the copy leaves the laptop — lists, counts, versions and history — and an unsent change of it is
    /// set aside with a message naming where it went. A change already in a formed batch stays in it (a batch
    /// never changes); the server refuses it with the same news.
    static func withdrawMoved(_ db: Database, documentId id: String, type: DocumentType, to district: String,
                              coder: VersionCoder, counterDeltas: inout [CounterKey: Int]) throws {
        let before = try loadSet(db, documentId: id, coder: coder)
        for (key, delta) in IndicatorCounting.deltas(before: before.display, after: nil) {
            counterDeltas[key, default: 0] += delta
        }
        try db.execute(sql: """
            UPDATE outbox SET state = 'rejected', reject_code = ?, reject_message = ?
            WHERE document_id = ? AND batch_id IS NULL AND state IN ('pending', 'deferred')
            """, arguments: [RejectionCode.outOfScope.rawValue,
                               "a district office moved this record to district '\(district)', which this laptop does not cover; the change was not sent — give it to the office of '\(district)'",
                               id])
        try db.execute(sql: "DELETE FROM versions WHERE document_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM \(type == .visit ? "visit_index" : "subject_index") WHERE id = ?", arguments: [id])
        try db.execute(sql: """
            DELETE FROM history WHERE document_id = ?
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.document_id = history.document_id
                              AND o.dot_replica = history.dot_replica AND o.dot_counter = history.dot_counter)
            """, arguments: [id])
    }

    /// Deleting erases (docs/sync.md, retention): once every current version of a document is a tombstone,
    /// the content of its older versions leaves the history too. Versions an outbox entry still points at
    /// stay until they are pushed (the outbox pushes history's exact bytes; a batch once formed never changes).
    static func eraseSupersededContent(_ db: Database, documentId id: String, current: VersionSet) throws {
        guard !current.isEmpty, current.versions.allSatisfy(\.deleted) else { return }
        var arguments: StatementArguments = [id]
        for v in current.versions { arguments += [v.dot.replica, Int64(v.dot.counter)] }
        let kept = current.versions.map { _ in "(dot_replica = ? AND dot_counter = ?)" }.joined(separator: " OR ")
        try db.execute(sql: """
            DELETE FROM history
            WHERE document_id = ? AND NOT (\(kept))
              AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.document_id = history.document_id
                              AND o.dot_replica = history.dot_replica AND o.dot_counter = history.dot_counter)
            """, arguments: arguments)
    }

    /// One local write (create, edit, delete, resolve): the new version supersedes everything held for the
    /// document, goes into the outbox, and the replica's counter advances — all in the caller's transaction.
    static func writeLocal(_ db: Database, _ payload: DocumentPayload, deleted: Bool = false,
                           now: Timestamp) throws -> Version {
        let coder = VersionCoder()
        let replica = try requireReplica(db)
        let before = try loadSet(db, documentId: payload.id, coder: coder)
        // Never below a counter this replica is already known to have used (e.g. seen again in a pulled page).
        let used = max(UInt64(replica.counter), before.mergedVector[replica.replicaId])
        let counter = used + 1
        let version = before.write(payload, deleted: deleted, replica: replica.replicaId, counter: counter,
                                   author: replica.visitorId, at: now)
        var after = before
        try after.apply(version)
        var deltas: [CounterKey: Int] = [:]
        try store(db, documentId: version.documentId, type: payload.type, before: before, after: after, seen: [version],
                  receivedAt: now.description, coder: coder, counterDeltas: &deltas)
        try addToCounters(db, deltas)
        try db.cachedStatement(sql: """
            INSERT INTO outbox (document_id, dot_replica, dot_counter, state) VALUES (?, ?, ?, 'pending')
            """).execute(arguments: [version.documentId, version.dot.replica, Int64(version.dot.counter)])
        try db.cachedStatement(sql: "UPDATE replica SET counter = ? WHERE id = 1").execute(arguments: [Int64(counter)])
        return version
    }
}
