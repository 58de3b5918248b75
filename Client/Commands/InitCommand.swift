import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori init` — creates the local database and this installation's replica id.
public struct InitCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration { Localization.help.initCommand.configuration("init") }

    @OptionGroup public var global: GlobalOptions
    @Option(help: ArgumentHelp(Localization.help.visitorId)) public var visitorId: String
    @Option(help: ArgumentHelp(Localization.help.name)) public var name: String
    @Option(help: codeHelp(Localization.help.role, VisitorRole.self, valueName: "role")) public var role: String
    @Option(help: ArgumentHelp(Localization.help.organization)) public var organization: String?
    @Option(help: ArgumentHelp(Localization.help.district)) public var district: String?
    @Option(name: .customLong("assists"), help: ArgumentHelp(Localization.help.assists)) public var assists: String?
    @Option(help: ArgumentHelp(Localization.help.server)) public var server: String?
    @Option(help: ArgumentHelp(Localization.help.token)) public var token: String?
    @Flag(help: ArgumentHelp(Localization.help.forgotPassphrase)) public var forgotPassphrase = false

    public init() {}

    public func validate() throws {
        let _: VisitorRole = try InputParsing.knownCode(role)
        if (server == nil) != (token == nil) { throw ValidationError(Localization.strings.serverAndTokenTogether) }
    }

    public func run() async throws {
        let config = global.configuration
        let t = config.strings
        var carried: Replica?
        if forgotPassphrase, FileManager.default.fileExists(atPath: config.dataDirectory.appendingPathComponent(AppDatabase.fileName).path) {
            let (goOn, old) = try InitCommand.startAfresh(config)
            guard goOn else { return }
            carried = old
        }
        let db = try AppDatabase.open(directory: config.dataDirectory, create: true)
        let result = try db.initReplica(visitorId: visitorId, name: name, role: try InputParsing.knownCode(role),
                                        organization: organization, district: district, assistsMinseiId: assists)
        if let carried, result.created { try db.continueReplica(carried) }
        if result.created, !(try db.isEncrypted) {
            let passphrase = try config.newPassphrase(intro: t.initPassphraseIntro, reader: .terminal)
            try db.encrypt(passphrase: passphrase, parameters: config.keyDerivation)
            if let key = db.keyring.key, let vault = try db.vault() { config.keep(key, keyId: vault.keyId) }
        } else {
            try config.unlock(db, required: server != nil, reader: .terminal)
        }
        if let server, let token { try db.login(server: server, token: token) }
        print(result.created ? t.initialized(replicaId: result.replica.replicaId)
                             : t.alreadyInitialized(replicaId: result.replica.replicaId, visitorId: result.replica.visitorId))
        print(t.dataFile(db.writer.path))
    }

    /// A forgotten passphrase: says how many unsent changes would be lost (asking to confirm when there are
    /// any), then sets the sealed database aside. Returns false when the visitor said no, and the old replica
    /// (readable while locked), which the new database continues.
    static func startAfresh(_ config: ClientConfiguration) throws -> (Bool, Replica?) {
        let t = config.strings
        let old = try AppDatabase.open(directory: config.dataDirectory)
        let unsent = try old.unsentChanges()
        let replica = try old.replica()
        Output.error(t.forgottenLoses(unsent))
        if unsent > 0 {
            guard config.interactive else { throw ClientError.unsentChangesWouldBeLost(unsent) }
            let answer = Terminal.standard.ask(t.forgottenConfirm, default: nil)?.lowercased()
            guard answer == "yes" || answer == "はい" else {
                print(t.notSaved)
                return (false, nil)
            }
        }
        let aside = try AppDatabase.setAside(directory: config.dataDirectory)
        print(t.setAside(aside.path))
        return (true, replica)
    }
}
