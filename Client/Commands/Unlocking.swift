import Crypto
import Foundation
import MimamoriShared

/// Opening the database with its key: the key kept for this login session, else `MIMAMORI_PASSPHRASE`, else
/// the passphrase typed at the terminal (then kept for the session). A database made before encryption is
/// sealed here, on the first run that can ask for a passphrase.
extension ClientConfiguration {
    /// Opens the database, unlocked. A command that shows or sends names and notes uses this.
    public func openDatabase(reader: PassphraseReader = .terminal) throws -> AppDatabase {
        let db = try AppDatabase.open(directory: dataDirectory)
        try unlock(db, required: true, reader: reader)
        return db
    }

    /// Opens the database for a command that works without the key (`due`, `totals`, `status`): unlocked if
    /// the key is kept for the session or given in the environment, never asking.
    public func openDatabaseKeyOptional() throws -> AppDatabase {
        let db = try AppDatabase.open(directory: dataDirectory)
        try unlock(db, required: false, reader: .terminal)
        return db
    }

    func unlock(_ db: AppDatabase, required: Bool, reader: PassphraseReader) throws {
        let t = strings
        guard let vault = try db.vault() else {
            // Made before encryption: sealed now, by the first command that can ask (or is given) a passphrase.
            guard try db.replica() != nil, required || passphrase != nil || interactive else { return }
            let chosen = try newPassphrase(intro: t.upgradeIntro, reader: reader)
            let result = try db.encrypt(passphrase: chosen, parameters: keyDerivation)
            if let vault = try db.vault(), let key = db.keyring.key { keep(key, keyId: vault.keyId) }
            Output.error(t.upgraded(versions: result.versions))
            return
        }
        if let key = keyCache.load(keyId: vault.keyId), try db.unlock(key: key) { return }
        if let passphrase {
            let (key, keyId) = try db.unlock(passphrase: passphrase)
            keep(key, keyId: keyId)
            return
        }
        guard required else { return }
        guard interactive else { throw ClientError.locked }
        for attempt in 1...3 {
            guard let typed = reader.read(t.askPassphrase) else { throw ClientError.locked }
            do {
                let (key, keyId) = try db.unlock(passphrase: typed)
                keep(key, keyId: keyId)
                return
            } catch ClientError.wrongPassphrase where attempt < 3 {
                Output.error(t.wrongPassphraseTryAgain)
            }
        }
    }

    /// A new passphrase: `MIMAMORI_PASSPHRASE`, else typed twice at the terminal.
    func newPassphrase(intro: String, reader: PassphraseReader) throws -> String {
        if let passphrase {
            try AppDatabase.checkNewPassphrase(passphrase)
            return passphrase
        }
        guard interactive else { throw ClientError.passphraseNeeded }
        let t = strings
        Output.error(intro)
        while true {
            guard let first = reader.read(t.askNewPassphrase) else { throw ClientError.passphraseNeeded }
            do { try AppDatabase.checkNewPassphrase(first) } catch let error as ClientError {
                Output.error(t.error(error))
                continue
            }
            guard let second = reader.read(t.askPassphraseAgain) else { throw ClientError.passphraseNeeded }
            if first == second { return first }
            Output.error(t.passphrasesDiffer)
        }
    }

    /// Keeps the key for the session, saying where when it is not the runtime folder.
    func keep(_ key: SymmetricKey, keyId: String) {
        keyCache.store(key, keyId: keyId)
        if let note = strings.keyKept(keyCache.place) { Output.error(note) }
    }
}
