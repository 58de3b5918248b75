import Foundation
import GRDB
import MimamoriShared

/// A push batch as persisted before sending: a retry after a lost reply finds and resends the same one.
public struct PushBatch: Sendable, Hashable {
    public let request: PushRequest
}

/// What applying one pulled page did.
public struct PulledPageResult: Sendable, Hashable {
    public let documents: Int
    public let newConflicts: Int
}

/// What a push reply did to the outbox.
public struct PushReplyResult: Sendable, Hashable {
    public let acknowledged: Int
    /// Refused for now, sent again at the next sync.
    public let deferred: Int
    public let rejected: Int
}

/// The sync side of the store: outbox batches, push replies, pulled pages, epoch and cursor.
extension AppDatabase {
    /// Where and how to reach the server, as saved by `login`; nil before login.
    public func serverSettings() throws -> (url: URL, token: String, replicaId: String)? {
        let r = try requireReplica()
        guard let s = r.serverUrl, let url = URL(string: s), let token = r.token else { return nil }
        return (url, token, r.replicaId)
    }

    /// The batch to push next: the one already formed and not yet acknowledged if any (same id, same versions),
    /// otherwise up to `limit` pending changes, oldest first, stamped with a new batch id in this transaction.
    public func nextPushBatch(limit: Int = API.maxBatchSize) throws -> PushBatch? {
        try write { db in
            let replica = try AppDatabase.requireReplica(db)
            var batchId = try String.fetchOne(db, sql: """
                SELECT batch_id FROM outbox WHERE state = 'pending' AND batch_id IS NOT NULL ORDER BY seq LIMIT 1
                """)
            if batchId == nil {
                let seqs = try Int64.fetchAll(db, sql: """
                    SELECT seq FROM outbox WHERE state = 'pending' AND batch_id IS NULL ORDER BY seq LIMIT ?
                    """, arguments: [limit])
                guard !seqs.isEmpty else { return nil }
                let id = DocumentID.make()
                try db.execute(sql: "UPDATE outbox SET batch_id = ? WHERE seq IN (\(seqs.map(String.init).joined(separator: ",")))",
                               arguments: [id])
                batchId = id
            }
            let coder = VersionCoder()
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(VersionCoder.columns(of: "h"))
                FROM outbox o JOIN history h
                  ON h.document_id = o.document_id AND h.dot_replica = o.dot_replica AND h.dot_counter = o.dot_counter
                WHERE o.batch_id = ? ORDER BY o.seq
                """, arguments: [batchId])
            let versions = try rows.map(coder.version)
            return PushBatch(request: PushRequest(batchId: batchId!, replicaId: replica.replicaId, versions: versions))
        }
    }

    /// Records the server's reply to a batch: acknowledged versions leave the outbox; rejected ones are set aside
    /// with their reason (shown by `status`) so they never stall the rest of the queue. A refusal that may pass
    /// later (`unknown_counter`: the server has not yet received writes this version builds on, e.g. after it
    /// was restored from a backup) is deferred to the next sync instead of set aside for good.
    @discardableResult
    public func recordPushReply(_ reply: PushResponse) throws -> PushReplyResult {
        try write { db in
            var acknowledged = 0, rejected = 0, deferred = 0
            for r in reply.results {
                let args: StatementArguments = [r.documentId, r.dot.replica, Int64(r.dot.counter)]
                if r.outcome == .rejected {
                    let retryable = r.code.flatMap(RejectionCode.init(rawValue:))?.isRetryable == true
                    try db.execute(sql: """
                        UPDATE outbox SET state = ?, batch_id = NULL, reject_code = ?, reject_message = ?
                        WHERE document_id = ? AND dot_replica = ? AND dot_counter = ?
                        """, arguments: [retryable ? "deferred" : "rejected", r.code ?? "rejected", r.message ?? ""] + args)
                    if retryable { deferred += 1 } else { rejected += 1 }
                } else {
                    try db.execute(sql: "DELETE FROM outbox WHERE document_id = ? AND dot_replica = ? AND dot_counter = ?",
                                   arguments: args)
                    acknowledged += 1
                }
            }
            // Anything of the batch the reply did not mention goes back to the queue under a new batch.
            try db.execute(sql: "UPDATE outbox SET batch_id = NULL WHERE batch_id = ?", arguments: [reply.batchId])
            // Versions of deleted documents kept only for the outbox can go now (deleting erases).
            for id in Set(reply.results.filter { $0.outcome != .rejected }.map(\.documentId)) {
                try AppDatabase.eraseSupersededContent(db, documentId: id, current: try AppDatabase.loadSet(db, documentId: id))
            }
            return PushReplyResult(acknowledged: acknowledged, deferred: deferred, rejected: rejected)
        }
    }

    /// The server refused a whole batch without applying it: its entries go back to the queue, to be sent again
    /// in smaller batches under new ids (the refused id is never reused with other contents).
    public func releaseBatch(_ batchId: String) throws {
        try write { db in
            try db.execute(sql: "UPDATE outbox SET batch_id = NULL WHERE batch_id = ?", arguments: [batchId])
        }
    }

    /// The server refused a batch of one version: that version is set aside with the server's reason, like a
    /// per-record rejection, so it cannot stall the queue.
    public func rejectBatch(_ batchId: String, code: String, message: String) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE outbox SET state = 'rejected', batch_id = NULL, reject_code = ?, reject_message = ? WHERE batch_id = ?
                """, arguments: [code, message, batchId])
        }
    }

    /// Adopts the server's epoch. When it differs from the one last seen (a server restored from backup, or a
    /// different server), pulls restart from zero and every current version this replica wrote is queued again:
    /// the merge rule makes re-sending harmless, and the server may have lost them. The first epoch ever seen is
    /// adopted the same way (a new server must get everything), but only a change from a known epoch returns true.
    @discardableResult
    public func adoptServerEpoch(_ epoch: String) throws -> Bool {
        try write { db in
            let replica = try AppDatabase.requireReplica(db)
            guard replica.serverEpoch != epoch else { return false }
            try db.execute(sql: "UPDATE replica SET server_epoch = ?, pull_cursor = 0 WHERE id = 1", arguments: [epoch])
            try db.execute(sql: "UPDATE outbox SET state = 'pending', batch_id = NULL, reject_code = NULL, reject_message = NULL")
            try db.execute(sql: """
                INSERT OR IGNORE INTO outbox (document_id, dot_replica, dot_counter, state)
                SELECT document_id, dot_replica, dot_counter, 'pending' FROM versions WHERE dot_replica = ?
                ORDER BY document_id, dot_counter
                """, arguments: [replica.replicaId])
            return replica.serverEpoch != nil
        }
    }

    /// Applies one pulled page in ONE transaction: merges each document's versions into the local set through
    /// the shared merge rule, updates projections and counters, and advances the pull cursor — so an interrupted
    /// pull resumes exactly where the last applied page ended.
    @discardableResult
    public func applyPulledPage(_ page: ChangesResponse, now: Timestamp = .now()) throws -> PulledPageResult {
        try write { db in
            let replica = try AppDatabase.requireReplica(db)
            var newConflicts = 0
            var highestOwn = UInt64(replica.counter)
            let coder = VersionCoder()
            let receivedAt = now.description
            var counterDeltas: [CounterKey: Int] = [:]
            for change in page.changes {
                if let district = change.movedTo {
                    try AppDatabase.withdrawMoved(db, documentId: change.documentId, type: change.type, to: district,
                                                  coder: coder, counterDeltas: &counterDeltas)
                    continue
                }
                let incoming = try VersionSet(change.versions.filter { $0.documentId == change.documentId })
                let before = try AppDatabase.loadSet(db, documentId: change.documentId, coder: coder)
                let after = try before.merging(incoming)
                try AppDatabase.store(db, documentId: change.documentId, type: change.type, before: before, after: after,
                                      seen: change.versions, receivedAt: receivedAt, coder: coder, counterDeltas: &counterDeltas)
                if after.isConflict && !before.isConflict { newConflicts += 1 }
                for v in change.versions { highestOwn = max(highestOwn, v.vector[replica.replicaId]) }
            }
            try AppDatabase.addToCounters(db, counterDeltas)
            // A counter of ours seen from outside (e.g. this database was restored from a backup) must never be
            // used again.
            try db.execute(sql: "UPDATE replica SET pull_cursor = ?, server_epoch = ?, counter = ? WHERE id = 1",
                           arguments: [page.nextSince, page.epoch, Int64(highestOwn)])
            return PulledPageResult(documents: page.changes.count, newConflicts: newConflicts)
        }
    }

    public func pullCursor() throws -> Int64 { try requireReplica().pullCursor }

    /// The outbox states of changes not yet accepted by the server: queued, or deferred to the next sync.
    static let unsentStates = "state IN ('pending', 'deferred')"

    public func pendingCount() throws -> Int {
        try read { try AppDatabase.pendingCount($0) }
    }

    static func pendingCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE \(unsentStates)") ?? 0
    }

    /// At the start of a sync, changes deferred by the last one join the queue again.
    public func requeueDeferred() throws {
        try write { db in try db.execute(sql: "UPDATE outbox SET state = 'pending' WHERE state = 'deferred'") }
    }

    func recordSync(_ summary: SyncSummary, at now: Timestamp = .now()) throws {
        let json = String(decoding: try MimamoriJSON.encode(summary), as: UTF8.self)
        try write { db in
            try db.execute(sql: "UPDATE replica SET last_sync_at = ?, last_sync_summary = ? WHERE id = 1",
                           arguments: [now.description, json])
        }
    }
}
