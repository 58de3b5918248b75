import Foundation
import GRDB
import GRDBSQLite

/// Copies a WAL database's log into the database file on a connection and a thread of its own, instead of in the
/// committing writer: SQLite's automatic checkpoint runs inside the commit that crosses its threshold, and the
/// single writer then spends that time (reading the log, writing each page again, two syncs) with every push
/// waiting behind it. SQLite's documentation suggests this: turn off the automatic checkpoint and run it from
/// another thread. Commits stay exactly as durable; only where the copy into the database file runs changes.
///
/// Installed on the writer's connection (`install(on:threshold:writerLimit:)`, the server's store) as its WAL hook,
/// which replaces the automatic checkpoint: once the log holds `threshold` pages, a passive checkpoint is started on
/// the checkpointer's own connection (one at a time; it never blocks the writer or readers). Should the log reach
/// `writerLimit` pages all the same (the checkpointer could not keep up, or readers held it back), the writer
/// checkpoints itself after its commit, as SQLite would, so the log stays bounded. Or started by hand (`start()`,
/// the laptop's pull after each group it writes), the writer keeping its automatic checkpoint, which then finds
/// most of the log copied already.
package final class WALCheckpointer: @unchecked Sendable {
    private let path: String
    /// Set by `install`, before the hook that reads them.
    private var threshold: Int32 = .max
    private var writerLimit: Int32 = .max
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var scheduled = false
    /// Opened on first use, on `queue`.
    private var connection: DatabaseQueue?

    /// `qos`: the laptop's pull waits for nothing else, and its checkpoints keep pace only above `.utility`.
    package init(path: String, qos: DispatchQoS = .utility) {
        self.path = path
        queue = DispatchQueue(label: "mimamori.wal-checkpoint", qos: qos)
    }

    /// Makes `db` (the one writing connection) leave its checkpoints to this checkpointer.
    package func install(on db: Database, threshold: Int32, writerLimit: Int32) {
        self.threshold = threshold
        self.writerLimit = max(threshold, writerLimit)
        _ = sqlite3_wal_hook(db.sqliteConnection, { context, db, name, pages in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            if pages >= checkpointer.writerLimit {
                // Behind: the writer copies what is left itself, as SQLite's own hook does.
                sqlite3_wal_checkpoint(db, name)
            } else if pages >= checkpointer.threshold {
                checkpointer.start()
            }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Starts a passive checkpoint on the checkpointer's own connection and thread, unless one is waiting to.
    package func start() {
        lock.lock()
        let start = !scheduled
        scheduled = true
        lock.unlock()
        guard start else { return }
        queue.async { [self] in
            lock.lock()
            scheduled = false
            lock.unlock()
            // A failed checkpoint leaves the log as it was: the next commit past the threshold tries again, and the
            // writer itself checkpoints at `writerLimit`.
            try? checkpoint()
        }
    }

    /// Returns once the checkpoints started so far have finished.
    package func finished() async {
        await withCheckedContinuation { done in queue.async { done.resume() } }
    }

    private func checkpoint() throws {
        if connection == nil {
            var configuration = Configuration()
            configuration.label = "mimamori.wal-checkpoint"
            configuration.busyMode = .timeout(10)
            connection = try DatabaseQueue(path: path, configuration: configuration)
        }
        try connection?.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
    }
}
