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

    public func sync(progress: (SyncProgress) -> Void = { _ in }) async throws -> SyncSummary {
        var summary = SyncSummary()
        let health = try await transport.health()
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

    func push(_ summary: inout SyncSummary, progress: (SyncProgress) -> Void) async throws {
        let total = try database.pendingCount()
        var done = 0
        while let batch = try database.nextPushBatch(limit: API.maxBatchSize) {
            let reply = try await transport.push(batch.request)
            let result = try database.recordPushReply(reply)
            summary.pushed += result.acknowledged
            summary.newConflicts += result.conflicts
            summary.rejected += result.rejected
            done += batch.request.versions.count
            progress(.pushed(done: done, total: max(total, done)))
            if try database.adoptServerEpoch(reply.epoch) {
                summary.epochChanged = true
                progress(.epochChanged(epoch: reply.epoch))
            }
        }
    }

    /// Pulls until the server has no more. Returns false when the epoch changed meanwhile (push again first).
    func pull(_ summary: inout SyncSummary, progress: (SyncProgress) -> Void) async throws -> Bool {
        while true {
            let cursor = try database.pullCursor()
            let page = try await transport.changes(since: cursor, limit: pageSize)
            let epoch = try database.requireReplica().serverEpoch
            if page.epoch != epoch {
                try database.adoptServerEpoch(page.epoch)
                summary.epochChanged = true
                progress(.epochChanged(epoch: page.epoch))
                return false
            }
            let result = try database.applyPulledPage(page)
            summary.pulled += result.documents
            summary.newConflicts += result.newConflicts
            progress(.pulled(documents: summary.pulled, cursor: page.nextSince))
            if !page.hasMore { return true }
        }
    }
}
