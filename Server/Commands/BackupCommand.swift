import ArgumentParser
import Foundation
import GRDB

/// `mimamori-server backup --to FILE`: a consistent copy of the SQLite database, taken with SQLite's online
/// backup while the server keeps serving. (PostgreSQL is backed up with pg_dump: docs/operations.md.)
public struct BackupCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to a new file while the server runs (SQLite's online backup).",
        discussion: "Example: mimamori-server backup --data-dir /var/lib/mimamori --to /backup/mimamori-2026-11-24.sqlite")

    @OptionGroup public var data: DataDirectoryOptions

    @Option(name: .customLong("to"), help: ArgumentHelp("The backup file to create; it must not exist yet. Example: --to /backup/mimamori.sqlite", valueName: "file"))
    public var destination: String

    public init() {}

    public func validate() throws {
        if destination.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--to: give the path of a new file, e.g. --to /backup/mimamori.sqlite")
        }
        if case .postgres = try data.location(environment: ProcessInfo.processInfo.environment) {
            throw ValidationError("--database: backup copies the SQLite database; back PostgreSQL up with pg_dump (docs/operations.md)")
        }
    }

    public func run() async throws {
        let source = data.url.appendingPathComponent(SQLiteSyncStore.fileName)
        let target = URL(fileURLWithPath: (destination as NSString).expandingTildeInPath)
        let fm = FileManager.default
        guard fm.fileExists(atPath: source.path) else {
            throw CommandFailure("--data-dir: there is no server database in \(data.url.path) to back up")
        }
        guard !fm.fileExists(atPath: target.path) else {
            throw CommandFailure("--to: \(target.path) exists; a backup never overwrites a file, so give a new name")
        }
        let store = try data.openStore()
        // Created 0600 first: the backup holds the same names and notes as the database.
        guard fm.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("--to: cannot create \(target.path); check the folder exists and is writable")
        }
        do {
            let copy = try DatabaseQueue(path: target.path)
            try store.writer.backup(to: copy)
            try copy.close()
        } catch {
            try? fm.removeItem(at: target)
            throw CommandFailure("the backup to \(target.path) failed and was removed: \(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data("Backed up \(source.path) to \(target.path). Restore it with `mimamori-server restore --from \(target.path)` while the server is stopped.\n".utf8))
    }
}

/// `mimamori-server restore --from FILE`: puts a backup in place of the SQLite database, with a new epoch, so
/// every laptop notices and re-sends what the backup lacks. Run it while the server is stopped.
public struct RestoreCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the SQLite database with a backup, giving it a new epoch so laptops re-sync (stop the server first).",
        discussion: "Example: mimamori-server restore --data-dir /var/lib/mimamori --from /backup/mimamori-2026-11-24.sqlite")

    @OptionGroup public var data: DataDirectoryOptions

    @Option(name: .customLong("from"), help: ArgumentHelp("A file made by `mimamori-server backup`. Example: --from /backup/mimamori.sqlite", valueName: "file"))
    public var source: String

    public init() {}

    public func validate() throws {
        if source.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--from: give the path of a backup file, e.g. --from /backup/mimamori.sqlite")
        }
        if case .postgres = try data.location(environment: ProcessInfo.processInfo.environment) {
            throw ValidationError("--database: restore replaces the SQLite database; restore PostgreSQL with pg_restore (docs/operations.md)")
        }
    }

    public func run() async throws {
        let fm = FileManager.default
        let backup = URL(fileURLWithPath: (source as NSString).expandingTildeInPath)
        guard fm.fileExists(atPath: backup.path) else { throw CommandFailure("--from: \(backup.path) does not exist") }
        var readOnly = Configuration()
        readOnly.readonly = true
        let backupDB: DatabaseQueue
        do {
            backupDB = try DatabaseQueue(path: backup.path, configuration: readOnly)
            guard try await backupDB.read({ db in try db.tableExists("server_state") }) else {
                throw CommandFailure("--from: \(backup.path) is not a Mimamori server database (no server_state table)")
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("--from: \(backup.path) is not a readable SQLite database: \(error.localizedDescription)")
        }

        // The database being replaced is kept beside it, never deleted.
        try fm.createDirectory(at: data.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let live = data.url.appendingPathComponent(SQLiteSyncStore.fileName)
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        var keptAs: String?
        for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: live.path + suffix) {
            let aside = live.path + ".before-restore-\(stamp)" + suffix
            try fm.moveItem(atPath: live.path + suffix, toPath: aside)
            if suffix.isEmpty { keptAs = aside }
        }
        let store = try data.openStore()
        try backupDB.backup(to: store.writer)
        _ = try SQLiteSyncStore(writer: store.writer)  // a backup from an older server is migrated forward
        let epoch = UUID().uuidString.lowercased()
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE server_state SET epoch = ? WHERE id = 1", arguments: [epoch])
        }
        FileHandle.standardError.write(Data("""
            Restored \(backup.path) into \(live.path) with the new epoch \(epoch): laptops will re-send what the backup lacks.
            \(keptAs.map { "The database it replaced is kept as \($0)." } ?? "")

            """.utf8))
    }
}
