import ArgumentParser

/// `mimamori login` — remember the sync server and token.
public struct LoginCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration { Localization.help.login.configuration("login") }
    @OptionGroup public var global: GlobalOptions
    @Option(help: ArgumentHelp(Localization.help.loginServer)) public var server: String
    @Option(help: ArgumentHelp(Localization.help.loginToken)) public var token: String
    public init() {}

    public func run() async throws {
        let db = try global.configuration.openDatabase()
        try db.login(server: server, token: token)
        print(global.configuration.language.strings.serverSet(server))
    }
}
