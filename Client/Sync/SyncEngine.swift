import Foundation
import GRDB
import MimamoriShared
import MimamoriSQLite

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
    /// Up to `batchesInFlight` batches are in flight at a time (each on a connection of its own): the next is read
    /// from the outbox and sent while the server works on the ones before, so the laptop's and the server's work
    /// overlap. The outbox's promises
    /// hold as with one: each batch is formed and stamped with its id in a transaction before it is sent, an
    /// entry leaves the outbox only by its own batch's reply (replies are recorded in the order the batches were
    /// formed), and a sync that stops leaves every batch in flight to be resent under the same ids (a replay). The server
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

    /// How many push batches are sent before the first reply is awaited. With one laptop pushing 300,000 visits into
    /// a server in its own process on 2 cores (BENCHMARKS.md): two in flight 45,000 visits/s, three 49,000, four
    /// 50,500 — the server decodes and checks one batch while its single writer stores another; beyond three the
    /// gain is small and each batch waiting costs the server memory.
    public static let batchesInFlight = 3

    /// The server holds other content under this batch id, so nothing of it was stored: never a success. The
    /// batch goes back to the outbox (to be sent under a new id) and sync stops with a message to report.
    func refuseReusedBatchId(_ batchId: String, message: String) throws -> Never {
        try database.releaseBatch(batchId)
        throw ClientError.batchIdReused(batchId: batchId, message: message)
    }

    /// Pulls until the server has no more. Returns false when the epoch changed meanwhile (push again first).
    /// Pages are applied in groups of about `groupDocuments` documents, each group in one transaction with the
    /// cursor of its last page: a pulled visit's index entries land on random pages of the projection's indexes,
    /// so one commit per 500 documents rewrote most of those pages every time; a group rewrites each once for
    /// several pages. While a group is applied, the next is already being fetched and decoded in a child task —
    /// on the other core (its cursor is the last page's `nextSince`, known before applying) — so the network,
    /// JSON decoding and SQLite overlap. Pages are still applied strictly in order, an interrupted pull resumes
    /// exactly after the last group applied, and each version is stored as the bytes it arrived as.
    func pull(_ summary: inout SyncSummary, progress: (SyncProgress) -> Void) async throws -> Bool {
        let transport = self.transport
        let limit = pageSize
        // The fetching task seals each page's versions for storage too (the writer has enough to do).
        let key = database.keyring.key.map(Sealing.TaskKey.init)
        // Copies each group's log into the database file while the next group is written: the writer's own
        // checkpoint (AppDatabase.configuration) then finds most of it copied. A failed or busy one leaves its
        // frames to the next or to the writer's; they are durable in the log either way.
        let checkpointer = database.writer is DatabasePool ? WALCheckpointer(path: database.writer.path, qos: .userInitiated) : nil
        var group = try await Self.fetchGroup(transport, since: try database.pullCursor(), limit: limit, key: key)
        while true {
            let epoch = try database.requireReplica().serverEpoch
            let applicable = Array(group.pages.prefix { $0.page.epoch == epoch })
            guard let last = applicable.last?.page else {
                let changed = group.pages.first?.page.epoch ?? ""
                try database.adoptServerEpoch(changed)
                summary.epochChanged = true
                progress(.epochChanged(epoch: changed))
                return false
            }
            let epochChangesNext = applicable.count < group.pages.count
            let fetchNext = last.hasMore && !epochChangesNext && group.failure == nil
            let asked = group.next
            async let prefetched: PageGroup? = fetchNext ? Self.fetchGroup(transport, since: last.nextSince, limit: limit, key: key, asked: asked) : nil
            let result = try await applyOffThePool(applicable)
            checkpointer?.start()
            summary.pulled += result.documents
            summary.newConflicts += result.newConflicts
            progress(.pulled(documents: summary.pulled, cursor: last.nextSince))
            // Pages fetched before a failure are applied first, so a retry starts after them.
            if let failure = group.failure { throw failure }
            if epochChangesNext {
                group = PageGroup(pages: Array(group.pages.dropFirst(applicable.count)), failure: nil, next: group.next)
                continue
            }
            guard let next = try await prefetched else { return true }
            group = next
        }
    }

    /// About how many documents a transaction of pulled pages holds (see `pull`). Measured on 100,500 documents
    /// applied alone (`mimamori-bench --client-apply`): 4000 took 1.55 s, 8000 1.45 s (fewer rewrites of the same
    /// index pages); the two groups in memory (one applied, one fetched) cost about 25 MB more at 8000, and stay
    /// bounded however large the pull.
    public static let groupDocuments = 8000

    /// Pages fetched one after another, and the error that stopped the fetching early, if one did.
    struct PageGroup: Sendable {
        var pages: [AppDatabase.PulledPage]
        var failure: (any Error)?
        /// The page after the last, asked for already: the next group starts with it when it starts from its cursor.
        var next: PageRequest?
    }

    /// A page asked for ahead of its turn, by the cursor it was asked from. Dropped unused (the page it came from
    /// said otherwise, or the pull stopped), its exchange is cancelled.
    final class PageRequest: Sendable {
        let since: Int64
        private let reply: Task<PageBody, any Error>

        init(_ transport: any SyncTransport, since: Int64, limit: Int) {
            self.since = since
            reply = Task { try await transport.pageBody(since: since, limit: limit) }
        }

        /// The page as it arrived. A cancelled caller cancels the exchange, as it would without the task between.
        func body() async throws -> PageBody {
            try await withTaskCancellationHandler { try await reply.value } onCancel: { reply.cancel() }
        }

        deinit { reply.cancel() }
    }

    /// Fetches pages from `since` until they hold `groupDocuments` documents, the server has no more, or a page
    /// comes from another epoch; `asked`, the last group's `next`, is its first page when asked from `since`.
    /// A failure after the first page is returned with the pages before it.
    ///
    /// The next page is asked for as soon as a page arrives, with the `nextSince` its last bytes announce
    /// (`PageBody`), and the page is read, sealed under `key` and counted while the server writes the next: one
    /// page after another, the server's work, the reading and the sealing of a page each waited for the one
    /// before. The announcement is only a hint: the page asked for with it is kept only when reading gives the
    /// same `nextSince` (and more to come); otherwise it is dropped and the right one asked for. A page that
    /// announces nothing (a double, a last page) is read first, as before.
    static func fetchGroup(_ transport: any SyncTransport, since: Int64, limit: Int, key: Sealing.TaskKey? = nil,
                           asked: PageRequest? = nil) async throws -> PageGroup {
        var request = asked.flatMap { $0.since == since ? $0 : nil } ?? PageRequest(transport, since: since, limit: limit)
        var group = PageGroup(pages: [], failure: nil, next: nil)
        var epoch: String?
        var documents = 0
        // A server that sends empty pages saying "more" cannot hold a group open for ever.
        let maxPages = max(1, groupDocuments / max(1, limit)) * 2
        while true {
            let received: ReceivedChanges
            var next: PageRequest?
            do {
                let body = try await request.body()
                next = body.announcedNextSince.flatMap { $0 > request.since ? PageRequest(transport, since: $0, limit: limit) : nil }
                received = try checked(body.read(), since: request.since)
            } catch {
                if group.pages.isEmpty { throw error }
                group.failure = error
                break
            }
            let page = received.page
            if !page.hasMore || next?.since != page.nextSince { next = nil }
            if epoch == nil { epoch = page.epoch }
            documents += page.changes.count
            let more = page.hasMore && page.epoch == epoch && documents < groupDocuments && group.pages.count + 1 < maxPages
            if more, next == nil { next = PageRequest(transport, since: page.nextSince, limit: limit) }
            group.pages.append(AppDatabase.PulledPage(received: received, presealed: try key.map { try Sealing.seal(received, key: $0) }))
            guard more, let following = next else {
                group.next = next
                break
            }
            request = following
        }
        return group
    }

    /// `received`, refused when it says there is more but does not move past `since`: a server that did so
    /// (broken, or not Mimamori's) would keep the laptop pulling the same page for ever.
    static func checked(_ received: ReceivedChanges, since: Int64) throws -> ReceivedChanges {
        if received.page.hasMore, received.page.nextSince <= since {
            throw ClientError.badServerReply("the page of changes after \(since) says there are more but its nextSince (\(received.page.nextSince)) does not move past \(since)")
        }
        return received
    }

    /// Applies pages on a thread of their own. Swift concurrency runs everything else on one thread per core; a
    /// group's write holding one of them would leave the next group's fetch and decode (and, when a server runs in
    /// the same process, as in tests and the benchmark, the server too) the other core alone.
    private func applyOffThePool(_ pages: [AppDatabase.PulledPage]) async throws -> PulledPageResult {
        let database = self.database
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try database.applyPulledPages(pages) })
            }
        }
    }
}
