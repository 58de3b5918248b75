import ArgumentParser

/// `mimamori login` — remember the sync server and token.
public struct LoginCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Remember the sync server and the bearer token issued by the office.",
        discussion: "Example: mimamori login --server http://127.0.0.1:8080 --token mmr_…")
    @OptionGroup public var global: GlobalOptions
    @Option(help: "Server URL, e.g. https://office.example.jp:8080.") public var server: String
    @Option(help: "Bearer token from `mimamori-server token issue`.") public var token: String
    public init() {}

    public func run() async throws {
        let db = try global.configuration.openDatabase()
        try db.login(server: server, token: token)
        print(global.configuration.language == .japanese ? "サーバーを設定しました: \(server)" : "server set: \(server)")
    }
}
