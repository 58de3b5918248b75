import ArgumentParser
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

    public init() {}

    public func validate() throws {
        let _: VisitorRole = try InputParsing.knownCode(role)
        if (server == nil) != (token == nil) { throw ValidationError(Localization.strings.serverAndTokenTogether) }
    }

    public func run() async throws {
        let config = global.configuration
        let db = try config.openDatabase(create: true)
        let result = try db.initReplica(visitorId: visitorId, name: name, role: try InputParsing.knownCode(role),
                                        organization: organization, district: district, assistsMinseiId: assists)
        if let server, let token { try db.login(server: server, token: token) }
        let t = config.language.strings
        print(result.created ? t.initialized(replicaId: result.replica.replicaId)
                             : t.alreadyInitialized(replicaId: result.replica.replicaId, visitorId: result.replica.visitorId))
        print(t.dataFile(db.writer.path))
    }
}
