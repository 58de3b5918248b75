import Crypto
import Foundation
import GRDB
import MimamoriShared

/// What `encrypt` sealed of a database that was in clear.
public struct EncryptionResult: Sendable, Hashable {
    public let versions: Int
    public let subjects: Int
    public let token: Bool
}

/// The passphrase side of the store: setting it (at `init`, or on the first run after upgrading, sealing what
/// is there), unlocking with it or with the key kept for the session, locking, and starting afresh when it is
/// forgotten.
extension AppDatabase {
    /// The vault, nil for a database still in clear.
    func vault() throws -> Vault? { try read { try Vault.fetchOne($0) } }

    public var isEncrypted: Bool { get throws { try vault() != nil } }

    public var isUnlocked: Bool {
        if case .locked = keyring.state { return false }
        return true
    }

    /// Sets the passphrase of a database still in clear and seals everything held — every version's JSON, the
    /// subject names of the projection, the server token — in one transaction, losing nothing. Then no clear
    /// text is left behind: deleted content is zeroed (`secure_delete`), the WAL emptied, the file rebuilt
    /// (`VACUUM`) and the WAL truncated again. Leaves the database unlocked.
    @discardableResult
    public func encrypt(passphrase: String, parameters: KeyDerivation = .standard) throws -> EncryptionResult {
        try AppDatabase.checkNewPassphrase(passphrase)
        let (vault, key) = try Vault.make(passphrase: passphrase, parameters: parameters)
        let result: EncryptionResult
        do {
            result = try write { db in
                guard try Vault.fetchOne(db) == nil else { throw ClientError.alreadyEncrypted }
                try vault.insert(db)
                keyring.state = .unlocked(key)
                var versions = 0
                let seal = try db.makeStatement(sql: "UPDATE version SET json = ? WHERE id = ?")
                for row in try Row.fetchAll(db, sql: "SELECT id, json FROM version") {
                    let json: Data = row["json"]
                    guard !Sealing.isSealed(json) else { continue }
                    try seal.execute(arguments: [Sealing.seal(json, .versionJSON, key: key), row["id"] as Int64])
                    versions += 1
                }
                var subjects = 0
                let name = try db.makeStatement(sql: "UPDATE subject_index SET name = ? WHERE id = ?")
                for row in try Row.fetchAll(db, sql: "SELECT id, name FROM subject_index") {
                    let clear: String = row["name"]
                    guard !Sealing.isSealed(clear) else { continue }
                    try name.execute(arguments: [Sealing.sealText(clear, .subjectName, key: key), row["id"] as String])
                    subjects += 1
                }
                let reason = try db.makeStatement(sql: "UPDATE outbox SET reject_message = ? WHERE seq = ?")
                for row in try Row.fetchAll(db, sql: "SELECT seq, reject_message FROM outbox WHERE reject_message IS NOT NULL") {
                    let clear: String = row["reject_message"]
                    guard !Sealing.isSealed(clear) else { continue }
                    try reason.execute(arguments: [Sealing.sealText(clear, .rejectMessage, key: key), row["seq"] as Int64])
                }
                var token = false
                if let clear = try String.fetchOne(db, sql: "SELECT token FROM replica WHERE token IS NOT NULL"), !Sealing.isSealed(clear) {
                    try db.execute(sql: "UPDATE replica SET token = ?", arguments: [Sealing.sealText(clear, .token, key: key)])
                    token = true
                }
                return EncryptionResult(versions: versions, subjects: subjects, token: token)
            }
        } catch {
            keyring.state = .clear
            throw error
        }
        try scrubFreedSpace()
        return result
    }

    /// Leaves no trace of what was in clear: the WAL is checkpointed and truncated, the file rebuilt without
    /// free pages, and the WAL truncated again (`VACUUM` goes through it).
    func scrubFreedSpace() throws {
        do {
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch let error as DatabaseError {
            throw AppDatabase.describe(error, path: writer.path)
        }
    }

    /// Unlocks with the passphrase (scrypt: about half a second). A wrong one throws
    /// `ClientError.wrongPassphrase` and changes nothing. Returns the key and the id to keep it under.
    @discardableResult
    public func unlock(passphrase: String) throws -> (key: SymmetricKey, keyId: String) {
        guard let vault = try vault() else { return (SymmetricKey(size: .bits256), "") }
        let key = try vault.unwrap(passphrase: passphrase)
        keyring.state = .unlocked(key)
        fillPlanEventsOnUnlock()
        return (key, vault.keyId)
    }

    /// Unlocks with a key kept for the session, if it is this database's. Cheap: no scrypt.
    func unlock(key: SymmetricKey) throws -> Bool {
        guard let vault = try vault(), vault.accepts(key) else { return false }
        keyring.state = .unlocked(key)
        fillPlanEventsOnUnlock()
        return true
    }

    /// Fills the plan events of visits held from before the `plan_event` column, now that they can be read. Never
    /// fails the unlock: a version that cannot be read leaves the fill pending, and `totals` then says why.
    private func fillPlanEventsOnUnlock() {
        try? fillPlanEventsIfReadable()
    }

    /// Keeps the unlocked key for the login session in `cache`, as a typed passphrase does (tools, benchmarks).
    public func keepUnlockedKey(in cache: KeyCache) throws {
        guard let key = keyring.key, let vault = try vault() else { return }
        cache.store(key, keyId: vault.keyId)
    }

    /// Forgets the key in this process (the session's copy is removed by `KeyCache.remove`).
    public func lock() throws {
        if try vault() != nil { keyring.state = .locked }
    }

    static let minimumPassphraseLength = 8

    static func checkNewPassphrase(_ passphrase: String) throws {
        guard passphrase.count >= minimumPassphraseLength else {
            throw ClientError.passphraseTooShort(minimum: minimumPassphraseLength)
        }
    }

    /// Own changes the server has not accepted, readable while locked: what starting afresh would lose.
    public func unsentChanges() throws -> Int { try pendingCount() }

    /// The keyring state a database opened from disk starts in.
    static func initialKeyState(_ writer: any DatabaseWriter) throws -> Keyring.State {
        try writer.read { try Vault.fetchOne($0) } == nil ? .clear : .locked
    }

    /// A forgotten passphrase: the new database goes on as the old replica (its id and counter were in clear),
    /// so the token bound to it still works and no counter is used twice. Call right after `initReplica`.
    public func continueReplica(_ old: Replica) throws {
        try write { db in
            try db.execute(sql: "UPDATE replica SET replica_id = ?, counter = MAX(counter, ?) WHERE id = 1",
                           arguments: [old.replicaId, old.counter])
        }
    }

    /// A forgotten passphrase: the sealed file is moved aside (kept, still sealed, should the passphrase come
    /// back), so that `init` makes a new one and `sync` brings back what was synced. Returns the new name.
    public static func setAside(directory: URL, now: Date = Date()) throws -> URL {
        let fm = FileManager.default
        let file = directory.appendingPathComponent(fileName)
        let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
        let aside = directory.appendingPathComponent("\(fileName).forgotten-\(stamp)")
        // The WAL and shared-memory files go with it, under the names SQLite looks for next to the new name.
        try fm.moveItem(at: file, to: aside)
        for suffix in ["-wal", "-shm"] where fm.fileExists(atPath: file.path + suffix) {
            try fm.moveItem(atPath: file.path + suffix, toPath: aside.path + suffix)
        }
        return aside
    }
}
