import Foundation
import GRDB
import MimamoriShared

/// The visitor's local store: every version held, the outbox of own writes, query projections and the
/// indicator counters, all kept consistent by doing each user action or pulled page in one write transaction.
public struct AppDatabase: Sendable {
    /// The file name inside the data folder.
    public static let fileName = "mimamori.sqlite"

    public let writer: any DatabaseWriter
    /// The data key as far as this process knows it (see `Keyring`, `AppDatabase+Encryption`).
    let keyring: Keyring

    /// Wraps an open connection and brings its schema up to date.
    public init(_ writer: any DatabaseWriter) throws {
        try self.init(writer, keyring: Keyring())
    }

    init(_ writer: any DatabaseWriter, keyring: Keyring) throws {
        self.writer = writer
        self.keyring = keyring
        try AppDatabase.migrator.migrate(writer)
        // A writer not made by `configuration(_:)` is attached here, so it can never write clear text into a
        // sealed database (its readers, unattached, fail closed: `ClientError.locked`).
        writer.writeWithoutTransaction { keyring.attach($0) }
        keyring.state = try AppDatabase.initialKeyState(writer)
    }

    /// An empty in-memory database, for tests and previews: sealed like a laptop's, under a passphrase of its
    /// own, and unlocked.
    public static func inMemory() throws -> AppDatabase {
        let keyring = Keyring()
        let db = try AppDatabase(DatabaseQueue(configuration: configuration(keyring)), keyring: keyring)
        try db.encrypt(passphrase: "in-memory database", parameters: .testing)
        return db
    }

    /// Opens (creating if `create`) the database in `directory`, in WAL mode, readable by its owner only.
    /// Without `create`, a missing database is an error, so a typo in --data-dir never leaves an empty file behind.
    public static func open(directory: URL, create: Bool = false) throws -> AppDatabase {
        let fm = FileManager.default
        let file = directory.appendingPathComponent(fileName)
        if !fm.fileExists(atPath: file.path) {
            guard create else { throw ClientError.notInitialized(path: file.path) }
            do {
                try fm.createDirectory(at: directory, withIntermediateDirectories: true,
                                       attributes: [.posixPermissions: 0o700])
            } catch {
                throw ClientError.dataDirectoryNotWritable(path: directory.path, reason: error.localizedDescription)
            }
            guard fm.isWritableFile(atPath: directory.path) else {
                throw ClientError.dataDirectoryNotWritable(path: directory.path, reason: "permission denied")
            }
            // Create the file with owner-only permissions before SQLite opens it, so names and notes are never
            // readable by others, not even for a moment.
            guard fm.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ClientError.dataDirectoryNotWritable(path: directory.path, reason: "cannot create \(fileName)")
            }
        }
        do {
            let keyring = Keyring()
            let pool = try DatabasePool(path: file.path, configuration: configuration(keyring))
            let db = try AppDatabase(pool, keyring: keyring)
            for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: file.path + suffix) {
                try? fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path + suffix)
            }
            return db
        } catch let error as DatabaseError {
            throw AppDatabase.describe(error, path: file.path)
        }
    }

    /// The page size of a database this release creates (see `configuration`).
    static let newPageSize = 32768

    static func configuration(_ keyring: Keyring) -> Configuration {
        var config = Configuration()
        config.prepareDatabase { db in
            keyring.attach(db)
            // A new database's pages are 32 KB, not SQLite's 4: a pulled visit writes about 1 KB (its sealed version,
            // its list row and index entries), and the kernel's work per page written to the log and copied into the
            // database (two writes and a read each) was a quarter of the laptop's CPU in a first sync; 32 KB pages
            // cut the pull's CPU per visit by a fifth (`mimamori-bench --server-process`: 24.5 → 19.8 µs) and
            // store 6% less. A database that already has pages keeps their size (SQLite ignores this then).
            try db.execute(sql: "PRAGMA page_size = \(newPageSize)")
            // Deleted content is zeroed, not left in free pages (the upgrade's clear text, a replaced version).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // A group of pulled pages dirties some thousands of pages in one transaction (`SyncEngine.pull`):
            // SQLite's default cache (2 MB) would spill them to the WAL midway and read index pages back again.
            // At most 32 MB, filled only as pages are used; readers keep the default.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -32768")
                // Checkpoints every ~40 MB of log instead of 4: an index page that several groups change in between
                // is copied into the database once, not once per group. (The setting counts pages, of either size.)
                let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(1, (40 << 20) / max(pageSize, 512)))")
            }
            // Each multi-row statement of such a transaction keeps the earlier content of the pages it changes
            // (to undo just itself): in memory, not written to a temporary file page by page.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        config.foreignKeysEnabled = true
        // A second mimamori process (a sync running while a visit is logged) waits briefly instead of failing.
        config.busyMode = .timeout(3)
        return config
    }

    /// Turns SQLite's codes into a message a visitor can act on.
    static func describe(_ error: DatabaseError, path: String) -> ClientError {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .databaseLocked(path: path)
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return .dataDirectoryNotWritable(path: (path as NSString).deletingLastPathComponent, reason: error.message ?? "\(error.resultCode)")
        default: return .databaseUnusable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Runs one write transaction, translating SQLite failures into `ClientError`.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.write(body) } catch let error as DatabaseError {
            throw AppDatabase.describe(error, path: writer.path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as DatabaseError {
            throw AppDatabase.describe(error, path: writer.path)
        }
    }
}
