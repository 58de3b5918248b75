import GRDB

/// Copies the write-ahead log into the database file from a connection of its own, while the single writer goes
/// on writing (`SyncEngine.pull`).
///
/// In WAL mode every byte a pull writes is written twice: appended to the log at commit, and copied into the
/// database by a checkpoint, which SQLite runs on the committing connection once the log passes
/// `wal_autocheckpoint` (`AppDatabase.configuration`): reading the log back and writing and syncing the database
/// took a tenth of the writer's time in a first sync. A passive checkpoint started here after each group copies
/// what that group committed while the next group is written, on the other core; the writer's own checkpoint then
/// finds most frames copied already and copies only the rest (which it must, for the log to start again from its
/// beginning: so the log stays as bounded as before). A checkpoint that fails or is busy leaves its frames to the
/// next one or to the writer's; the log's frames are durable either way, so nothing rests on it.
final class LogCheckpointer: Sendable {
    private let connection: DatabaseQueue

    /// Nil when the database is not a file in WAL mode (in-memory databases of tests).
    init?(_ database: AppDatabase) {
        guard database.writer is DatabasePool, let connection = try? DatabaseQueue(path: database.writer.path) else { return nil }
        self.connection = connection
    }

    /// Starts a passive checkpoint on the connection's own queue, and returns.
    func start() {
        connection.asyncWriteWithoutTransaction { db in _ = try? db.checkpoint(.passive) }
    }
}
