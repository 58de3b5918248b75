import Foundation
import GRDB
import MimamoriShared

/// A push batch as persisted before sending: a retry after a lost reply finds and resends the same one.
public struct PushBatch: Sendable, Hashable {
    public let batchId: String
    public let replicaId: String
    /// Each version's canonical JSON as stored, oldest write first.
    public let versionJSON: [Data]

    public var count: Int { versionJSON.count }

    public init(batchId: String, replicaId: String, versionJSON: [Data]) {
        self.batchId = batchId
        self.replicaId = replicaId
        self.versionJSON = versionJSON
    }

    /// The request body: the stored bytes spliced, the same bytes `MimamoriJSON.encodePush(request)` writes.
    public var body: Data { MimamoriJSON.encodePush(batchId: batchId, replicaId: replicaId, versionJSON: versionJSON) }

    /// The batch as a value (test doubles, tools); sending it needs only `body`.
    public var request: PushRequest {
        get throws { PushRequest(batchId: batchId, replicaId: replicaId, versions: try versionJSON.map { try VersionJSON.decode($0) }) }
    }
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
        guard let s = r.serverUrl, let url = URL(string: s), let sealed = r.token else { return nil }
        let token = try read { try Sealing.openText(sealed, .token, in: $0) }
        return (url, token, r.replicaId)
    }

    /// The batch to push next: the one already formed and not yet acknowledged if any (same id, same versions),
    /// otherwise up to `limit` pending changes, oldest first, stamped with a new batch id in this transaction.
    /// Batches named in `excluding` (those already in flight) are passed over.
    public func nextPushBatch(limit: Int = API.maxBatchSize, excluding inFlight: Set<String> = []) throws -> PushBatch? {
        try write { db in
            let replica = try AppDatabase.requireReplica(db)
            let pending = OutboxEntry.all().inState(.pending)
            var batchId = try pending.filter(OutboxEntry.Columns.batchId != nil && !inFlight.contains(OutboxEntry.Columns.batchId))
                .order(OutboxEntry.Columns.seq).select(OutboxEntry.Columns.batchId, as: String.self).fetchOne(db)
            if batchId == nil {
                let seqs = try pending.filter(OutboxEntry.Columns.batchId == nil).order(OutboxEntry.Columns.seq).limit(limit)
                    .select(OutboxEntry.Columns.seq, as: Int64.self).fetchAll(db)
                guard !seqs.isEmpty else { return nil }
                let id = DocumentID.make()
                try OutboxEntry.filter(seqs.contains(OutboxEntry.Columns.seq)).updateAll(db, OutboxEntry.Columns.batchId.set(to: id))
                batchId = id
            }
            let versionJSON = try Data.fetchAll(db, sql: """
                SELECT v.json FROM outbox o JOIN version v
                  ON v.document_id = o.document_id AND v.dot_replica = o.dot_replica AND v.dot_counter = o.dot_counter
                WHERE o.batch_id = ? ORDER BY o.seq
                """, arguments: [batchId]).map { try Sealing.open($0, .versionJSON, in: db) }
            return PushBatch(batchId: batchId!, replicaId: replica.replicaId, versionJSON: versionJSON)
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
                let entry = OutboxEntry.all().at(documentId: r.documentId, dot: r.dot)
                if r.outcome == .rejected {
                    let retryable = r.code.flatMap(RejectionCode.init(rawValue:))?.isRetryable == true
                    try setAside(entry, state: retryable ? .deferred : .rejected, code: r.code ?? "rejected",
                                 message: r.message ?? "", in: db)
                    if retryable { deferred += 1 } else { rejected += 1 }
                } else {
                    try entry.deleteAll(db)
                    acknowledged += 1
                }
            }
            // Anything of the batch the reply did not mention goes back to the queue under a new batch.
            try releaseBatch(reply.batchId, in: db)
            // Versions of deleted documents kept only for the outbox can go now (deleting erases).
            try AppDatabase.eraseSupersededContent(db, documentIds: Array(Set(reply.results.filter { $0.outcome != .rejected }.map(\.documentId))))
            return PushReplyResult(acknowledged: acknowledged, deferred: deferred, rejected: rejected)
        }
    }

    /// The server refused a whole batch without applying it: its entries go back to the queue, to be sent again
    /// in smaller batches under new ids (the refused id is never reused with other contents).
    public func releaseBatch(_ batchId: String) throws {
        try write { db in try releaseBatch(batchId, in: db) }
    }

    private func releaseBatch(_ batchId: String, in db: Database) throws {
        try OutboxEntry.filter(OutboxEntry.Columns.batchId == batchId).updateAll(db, OutboxEntry.Columns.batchId.set(to: nil))
    }

    /// Takes entries out of the queue with the server's reason (`deferred` ones come back at the next sync).
    private func setAside(_ entries: QueryInterfaceRequest<OutboxEntry>, state: OutboxEntry.State, code: String,
                          message: String, in db: Database) throws {
        try entries.updateAll(db, OutboxEntry.Columns.state.set(to: state), OutboxEntry.Columns.batchId.set(to: nil),
                              OutboxEntry.Columns.rejectCode.set(to: code),
                              OutboxEntry.Columns.rejectMessage.set(to: Sealing.sealText(message, .rejectMessage, in: db)))
    }

    /// The server refused a batch of one version: that version is set aside with the server's reason, like a
    /// per-record rejection, so it cannot stall the queue.
    public func rejectBatch(_ batchId: String, code: String, message: String) throws {
        try write { db in
            try setAside(OutboxEntry.filter(OutboxEntry.Columns.batchId == batchId), state: .rejected, code: code,
                         message: message, in: db)
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
            try OutboxEntry.updateAll(db, OutboxEntry.Columns.state.set(to: OutboxEntry.State.pending),
                                      OutboxEntry.Columns.batchId.set(to: nil), OutboxEntry.Columns.rejectCode.set(to: nil),
                                      OutboxEntry.Columns.rejectMessage.set(to: nil))
            try db.execute(sql: """
                INSERT OR IGNORE INTO outbox (document_id, dot_replica, dot_counter, state)
                SELECT document_id, dot_replica, dot_counter, ? FROM version WHERE current AND dot_replica = ?
                ORDER BY document_id, dot_counter
                """, arguments: [OutboxEntry.State.pending, replica.replicaId])
            return replica.serverEpoch != nil
        }
    }

    /// Applies one pulled page in ONE transaction: merges each document's versions into the local set through
    /// the shared merge rule, updates projections and counters, and advances the pull cursor — so an interrupted
    /// pull resumes exactly where the last applied page ended. Set at a time: the held versions of the whole page
    /// are read with one query, and each version is written once, as the JSON it arrived as.
    @discardableResult
    public func applyPulledPage(_ received: ReceivedChanges, now: Timestamp = .now()) throws -> PulledPageResult {
        try applyPulledPages([received], now: now)
    }

    /// Applies consecutive pulled pages, in order, in ONE transaction (as `applyPulledPage` does one), the cursor
    /// ending at the last page's: what `SyncEngine` does with the pages it has, so that the random pages of the
    /// projection's indexes a pulled visit touches are written once for several pages.
    @discardableResult
    public func applyPulledPages(_ pages: [ReceivedChanges], now: Timestamp = .now()) throws -> PulledPageResult {
        try applyPulledPages(pages.map { PulledPage(received: $0) }, now: now)
    }

    /// `applyPulledPages` of pages whose versions may have been sealed already, by the task that fetched them.
    func applyPulledPages(_ pages: [PulledPage], now: Timestamp = .now()) throws -> PulledPageResult {
        guard let last = pages.last?.page else { return PulledPageResult(documents: 0, newConflicts: 0) }
        let (result, batch) = try write { db in
            let replica = try AppDatabase.requireReplica(db)
            var highestOwn = UInt64(replica.counter)
            var batch = try DocumentBatch(db, documentIds: pages.flatMap { $0.page.changes.map(\.documentId) }, receivedAt: now)
            // What the pages' new documents add to the counters, counted by the task that made each page.
            batch.add(CounterDeltas(pages))
            let key = Keyring.of(db)?.key
            for pulled in pages {
                // Sealed ahead under this database's key, or sealed by the write.
                let presealed = pulled.presealed.flatMap { $0.key.key == key ? $0.json : nil }
                for (i, (change, json)) in zip(pulled.page.changes, pulled.received.versionJSON).enumerated() {
                    if let district = change.movedTo {
                        batch.withdraw(documentId: change.documentId, type: change.type, to: district)
                        continue
                    }
                    try batch.merge(documentId: change.documentId, incoming: change.versions, json: json, sealed: presealed?[i],
                                    countedAhead: CounterDeltas.isCountedAhead(change))
                    // Read in place (a closure's argument is borrowed): a version is a large value, costly to copy.
                    highestOwn = change.versions.reduce(highestOwn) { max($0, $1.vector[replica.replicaId]) }
                }
            }
            try batch.write(db)
            // A counter of ours seen from outside (e.g. this database was restored from a backup) must never be
            // used again.
            try db.execute(sql: "UPDATE replica SET pull_cursor = ?, server_epoch = ?, counter = ? WHERE id = 1",
                           arguments: [last.nextSince, last.epoch, Int64(highestOwn)])
            return (PulledPageResult(documents: pages.reduce(0) { $0 + $1.page.changes.count }, newConflicts: batch.newConflicts), batch)
        }
        // Thousands of versions and rows to free: not on the writer's time (it was 5% of it in a first sync).
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(batch) {} }
        return result
    }

    /// A pulled page, with its versions sealed ahead of the write when the fetching task could (`SyncEngine.pull`),
    /// and what its new documents add to the counters, counted where the page is made.
    struct PulledPage: Sendable {
        let received: ReceivedChanges
        var presealed: Sealing.PresealedPage?
        let counted: CounterDeltas

        init(received: ReceivedChanges, presealed: Sealing.PresealedPage? = nil) {
            self.received = received
            self.presealed = presealed
            var counted = CounterDeltas()
            for change in received.page.changes where CounterDeltas.isCountedAhead(change) {
                counted.add(before: nil, after: change.versions[0])
            }
            self.counted = counted
        }

        var page: ChangesResponse { received.page }
    }

    /// Additions to the indicator's and the activity counters. Summed ahead of the single writer by the fetching
    /// task too (`PulledPage.counted`), as if each pulled change that brings one version of its own document
    /// (nearly all of a first sync) made a new document of it: the writer takes back the contribution of each that
    /// did not (a document already held, or named twice) and counts those itself, so the counters end exactly as
    /// if every change were counted in the write.
    struct CounterDeltas: Sendable {
        var indicator: [CounterKey: Int] = [:]
        var activity: [ActivityCounterKey: Int] = [:]

        init() {}

        /// The sum of the pages' own counts.
        init(_ pages: [PulledPage]) {
            for page in pages { merge(page.counted) }
        }

        /// Whether `change` is counted ahead: its one version, of its own document, made the display version.
        static func isCountedAhead(_ change: DocumentChange) -> Bool {
            change.movedTo == nil && change.versions.count == 1 && change.versions[0].documentId == change.documentId
        }

        /// What a document's display version going from `before` to `after` changes.
        mutating func add(before: Version?, after: Version?) {
            IndicatorCounting.addDeltas(before: before, after: after, to: &indicator)
            ActivityCounterKey.addDeltas(before: before, after: after, to: &activity)
        }

        mutating func merge(_ other: CounterDeltas) {
            // The larger one is kept and the smaller added into it.
            var other = other
            if other.indicator.count > indicator.count { swap(&indicator, &other.indicator) }
            for (k, n) in other.indicator { indicator[k, default: 0] += n }
            if other.activity.count > activity.count { swap(&activity, &other.activity) }
            for (k, n) in other.activity { activity[k, default: 0] += n }
        }
    }

    /// A page built in memory (tests, tools): its versions are encoded once, by `VersionJSON`.
    @discardableResult
    public func applyPulledPage(_ page: ChangesResponse, now: Timestamp = .now()) throws -> PulledPageResult {
        try applyPulledPage(ReceivedChanges(page), now: now)
    }

    public func pullCursor() throws -> Int64 { try requireReplica().pullCursor }

    public func pendingCount() throws -> Int {
        try read { try AppDatabase.pendingCount($0) }
    }

    static func pendingCount(_ db: Database) throws -> Int {
        try OutboxEntry.all().unsent().fetchCount(db)
    }

    /// At the start of a sync, changes deferred by the last one join the queue again.
    public func requeueDeferred() throws {
        try write { db in
            _ = try OutboxEntry.all().inState(.deferred).updateAll(db, OutboxEntry.Columns.state.set(to: OutboxEntry.State.pending))
        }
    }

    func recordSync(_ summary: SyncSummary, at now: Timestamp = .now()) throws {
        let json = String(decoding: try MimamoriJSON.encode(summary), as: UTF8.self)
        try write { db in
            try db.execute(sql: "UPDATE replica SET last_sync_at = ?, last_sync_summary = ? WHERE id = 1",
                           arguments: [now.description, json])
        }
    }
}
