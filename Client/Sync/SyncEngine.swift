import Foundation
import MimamoriShared

/// One sync with the server: check the epoch, push the outbox in batches, pull pages until done.
/// Every step commits before the next begins, so it is safe to interrupt at any moment and run again:
/// an unacknowledged batch is resent with the same id, and pulls resume from the last applied page.
public struct SyncEngine: Sendable {
    public let database: AppDatabase
    public let transport: any SyncTransport
    public let pageSize: Int

    public init(database: AppDatabase, transport: any SyncTransport, pageSize: Int = API.defaultPageSize) {
        self.database = database
        self.transport = transport
        self.pageSize = pageSize
    }

    /// The engine for the server saved by `login` (what `mimamori sync` runs).
    public static func forLogin(database: AppDatabase) throws -> SyncEngine {
        guard let s = try database.serverSettings() else { throw ClientError.notLoggedIn }
        return SyncEngine(database: database, transport: HTTPTransport(baseURL: s.url, token: s.token, replicaId: s.replicaId))
    }

    /// One sync run: the transport's connections are closed when it ends, however it ends.
    public func sync(progress: (SyncProgress) -> Void = { _ in }) async throws -> SyncSummary {
        do {
            let summary = try await run(progress: progress)
            await transport.shutdown()
            return summary
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    private func run(progress: (SyncProgress) -> Void) async throws -> SyncSummary {
        var summary = SyncSummary()
        let health = try await transport.health()
        try database.requeueDeferred()
        if try database.adoptServerEpoch(health.epoch) {
            summary.epochChanged = true
            progress(.epochChanged(epoch: health.epoch))
        }
        // A second round only when the epoch changed under us mid-sync (the server was restored meanwhile).
        for _ in 0..<2 {
            try await push(&summary, progress: progress)
            if try await pull(&summary, progress: progress) { break }
        }
        try database.recordSync(summary)
        return summary
    }

    /// Pushes the outbox. If the server refuses a whole batch as malformed (400/422) instead of answering per
    /// record, the batch is split in halves until the offending version is alone, and that one is set aside as
    /// rejected: one bad record never stalls the queue.
    ///
    /// Two batches are in flight at a time (on two connections): the next is read from the outbox and sent while
    /// the server works on the one before, so the laptop's and the server's work overlap. The outbox's promises
    /// hold as with one: each batch is formed and stamped with its id in a transaction before it is sent, an
    /// entry leaves the outbox only by its own batch's reply (replies are recorded in the order the batches were
    /// formed), and a sync that stops leaves both batches to be resent under the same ids (a replay). The server
    /// applies a replica's batches in whatever order they reach it: the merge rule does not depend on it.
    func push(_ summary: inout SyncSummary, progress: (SyncProgress) -> Void) async throws {
        let total = try database.pendingCount()
        var done = 0
        var limit = API.maxBatchSize
        let transport = self.transport
        var inFlight: [(batch: PushBatch, reply: Task<PushResponse, any Error>)] = []
        // However this ends, nothing keeps sending after it: a batch still unanswered is resent by the next sync.
        defer { for sending in inFlight { sending.reply.cancel() } }
        while true {
            while inFlight.count < Self.batchesInFlight,
                let batch = try database.nextPushBatch(limit: limit, excluding: Set(inFlight.map(\.batch.batchId))) {
                inFlight.append((batch, Task { try await transport.push(batch) }))
            }
            guard !inFlight.isEmpty else { return }
            let (batch, sending) = inFlight.removeFirst()
            let reply: PushResponse
            do {
                // A cancelled sync cancels the exchange, as it would without the task between.
                reply = try await withTaskCancellationHandler { try await sending.value } onCancel: { sending.cancel() }
            } catch let ClientError.server(status, code, message) where status == 400 || status == 422 {
                if batch.count == 1 {
                    try database.rejectBatch(batch.batchId, code: code, message: message)
                    summary.rejected += 1
                    done += 1
                    limit = API.maxBatchSize
                } else {
                    try database.releaseBatch(batch.batchId)
                    limit = max(1, batch.count / 2)
                }
                continue
            } catch let ClientError.server(status, code, message) where status == 409 && code == "batch_conflict" {
                try refuseReusedBatchId(batch.batchId, message: message)
            }
            let result = try database.recordPushReply(reply)
            summary.pushed += result.acknowledged
            // New conflicts are counted when the pull brings the concurrent version here, once per document.
            summary.rejected += result.rejected
            summary.deferred += result.deferred
            done += batch.count
            progress(.pushed(done: done, total: max(total, done)))
            if try database.adoptServerEpoch(reply.epoch) {
                summary.epochChanged = true
                progress(.epochChanged(epoch: reply.epoch))
            }
        }
    }

    /// How many push batches are sent before the first reply is awaited: two keep the laptop and the server busy
    /// at once; more would only queue at the server's single writer.
    static let batchesInFlight = 2

    /// The server holds other content under this batch id, so nothing of it was stored: never a success. The
    /// batch goes back to the outbox (to be sent under a new id) and sync stops with a message to report.
    func refuseReusedBatchId(_ batchId: String, message: String) throws -> Never {
        try database.releaseBatch(batchId)
        throw ClientError.batchIdReused(batchId: batchId, message: message)
    }

    /// Pulls until the server has no more. Returns false when the epoch changed meanwhile (push again first).
    /// While a page is being applied, the next one is already being fetched and decoded in a child task — on
    /// the other core (its cursor is the page's `nextSince`, known before applying) — so the network, JSON
    /// decoding and SQLite overlap. Pages are still applied strictly in order, each in its own transaction with
    /// its cursor, and each version is stored as the bytes it arrived as.
    func pull(_ summary: inout SyncSummary, progress: (SyncProgress) -> Void) async throws -> Bool {
        let transport = self.transport
        let limit = pageSize
        var received = try await transport.receivedChanges(since: try database.pullCursor(), limit: limit)
        while true {
            let page = received.page
            if page.epoch != (try database.requireReplica().serverEpoch) {
                try database.adoptServerEpoch(page.epoch)
                summary.epochChanged = true
                progress(.epochChanged(epoch: page.epoch))
                return false
            }
            let since = page.nextSince, hasMore = page.hasMore
            async let prefetched: ReceivedChanges? = hasMore ? transport.receivedChanges(since: since, limit: limit) : nil
            let result = try await applyOffThePool(received)
            summary.pulled += result.documents
            summary.newConflicts += result.newConflicts
            progress(.pulled(documents: summary.pulled, cursor: page.nextSince))
            guard let next = try await prefetched else { return true }
            received = next
        }
    }

    /// Applies a page on a thread of its own. Swift concurrency runs everything else on one thread per core; a
    /// page's write holding one of them would leave the next page's fetch and decode (and, when a server runs in
    /// the same process, as in tests and the benchmark, the server too) the other core alone.
    private func applyOffThePool(_ received: ReceivedChanges) async throws -> PulledPageResult {
        let database = self.database
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try database.applyPulledPage(received) })
            }
        }
    }
}
