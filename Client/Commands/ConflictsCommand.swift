import ArgumentParser
import MimamoriShared

/// `mimamori conflicts …` — see and resolve concurrent edits (競合).
public struct ConflictsCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List, show and resolve conflicting edits of the same visit or subject.",
        discussion: "Example: mimamori conflicts list",
        subcommands: [List.self, Show.self, Resolve.self])
    public init() {}

    public struct List: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "List documents in conflict.", discussion: "Example: mimamori conflicts list --json")
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        public init() {}

        public func run() async throws {
            let items = try global.configuration.openDatabase().conflicts()
            if output.json { return try Output.json(items) }
            for c in items { print("\(c.documentId)  \(c.type.rawValue)  \(c.versions)  \(c.summary)") }
        }
    }

    public struct Show: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Show the conflicting versions side by side, numbered for --keep, with author and time.",
            discussion: "Example: mimamori conflicts show 0193a5c2-…")
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Argument(help: "The visit's or subject's id.") public var id: String
        public init() {}

        public func run() async throws {
            let config = global.configuration
            guard let detail = try config.openDatabase().document(id: id) else { throw ClientError.unknownDocument(id) }
            if output.json { return try Output.json(detail) }
            Output.documentText(detail, language: config.language).forEach { print($0) }
        }
    }

    public struct Resolve: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Keep version N (as numbered by `conflicts show`); the others are superseded everywhere after sync.",
            discussion: "Example: mimamori conflicts resolve 0193a5c2-… --keep 2   (or resolve by `mimamori visit edit ID …`)")
        @OptionGroup public var global: GlobalOptions
        @Argument(help: "The visit's or subject's id.") public var id: String
        @Option(help: "The number of the version to keep, from `conflicts show`.") public var keep: Int
        public init() {}

        public func validate() throws {
            if keep < 1 { throw ValidationError("--keep: '\(keep)' is not accepted; accepted: a version number from 1, as shown by `mimamori conflicts show`") }
        }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            let v = try db.resolveConflict(id: id, keep: keep)
            print("\(v.documentId) \(v.dot)")
        }
    }
}
