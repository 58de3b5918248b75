import ArgumentParser
import Foundation

/// `mimamori lock` — forgets the unlocked key kept for this login session: names and notes need the
/// passphrase again; `due`, `totals` and `status` still work.
public struct LockCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration { Localization.help.lock.configuration("lock") }
    @OptionGroup public var global: GlobalOptions
    public init() {}

    public func run() async throws {
        let config = global.configuration
        let db = try AppDatabase.open(directory: config.dataDirectory)
        let t = config.strings
        guard let vault = try db.vault() else { return print(t.notEncryptedYet) }
        print(config.keyCache.remove(keyId: vault.keyId) ? t.lockedNow : t.wasNotUnlocked)
        if config.passphrase != nil { Output.error(t.passphraseFromEnvironment) }
    }
}
