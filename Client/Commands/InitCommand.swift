import ArgumentParser
import MimamoriShared

/// `mimamori init` — creates the local database and this installation's replica id.
public struct InitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the local database and a new random replica id (running it again keeps all data).",
        discussion: "Example: mimamori init --visitor-id V-001 --name 山田花子 --role fureai_member --organization 西校区ふれあいの会 --district nishi")

    @OptionGroup public var global: GlobalOptions
    @Option(help: "Your visitor id, as your office knows you, e.g. V-001.") public var visitorId: String
    @Option(help: "Your name, e.g. 山田花子.") public var name: String
    @Option(help: ArgumentHelp("Your role: \(VisitorRole.acceptedDescription).", valueName: "role")) public var role: String
    @Option(help: "Your organisation, e.g. 西校区ふれあいの会.") public var organization: String?
    @Option(help: "Your district (校区), e.g. nishi.") public var district: String?
    @Option(name: .customLong("assists"), help: "For 民生委員協力員: the id of the 民生委員 you assist.") public var assists: String?
    @Option(help: "Sync server URL (same as `mimamori login`), e.g. https://office.example.jp:8080.") public var server: String?
    @Option(help: "Bearer token issued by the office (needs --server).") public var token: String?

    public init() {}

    public func validate() throws {
        let _: VisitorRole = try InputParsing.knownCode(role)
        if (server == nil) != (token == nil) { throw ValidationError("--server and --token go together; give both or neither") }
    }

    public func run() async throws {
        let config = global.configuration
        let db = try config.openDatabase(create: true)
        let result = try db.initReplica(visitorId: visitorId, name: name, role: try InputParsing.knownCode(role),
                                        organization: organization, district: district, assistsMinseiId: assists)
        if let server, let token { try db.login(server: server, token: token) }
        let ja = config.language == .japanese
        if result.created {
            print(ja ? "初期化しました。レプリカID: \(result.replica.replicaId)" : "initialized; replica id \(result.replica.replicaId)")
        } else {
            print(ja ? "すでに初期化されています（レプリカID: \(result.replica.replicaId)）。データはそのままです。"
                     : "already initialized (replica id \(result.replica.replicaId), visitor \(result.replica.visitorId)); nothing was changed")
        }
        print(ja ? "データ: \(db.writer.path)" : "data: \(db.writer.path)")
    }
}
