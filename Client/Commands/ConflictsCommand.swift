import ArgumentParser
import MimamoriShared

/// `mimamori conflicts …` — see and resolve concurrent edits (競合).
public struct ConflictsCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        Localization.help.conflicts.configuration("conflicts", subcommands: [List.self, Show.self, Resolve.self])
    }
    public init() {}

    public struct List: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.conflictsList.configuration() }
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
        public static var configuration: CommandConfiguration { Localization.help.conflictsShow.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Argument(help: ArgumentHelp(Localization.help.id)) public var id: String
        public init() {}

        public func run() async throws {
            let config = global.configuration
            guard let detail = try config.openDatabase().document(id: id) else { throw ClientError.unknownDocument(id) }
            if output.json { return try Output.json(detail) }
            Output.documentText(detail, language: config.language).forEach { print($0) }
        }
    }

    public struct Resolve: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.conflictsResolve.configuration() }
        @OptionGroup public var global: GlobalOptions
        @Argument(help: ArgumentHelp(Localization.help.id)) public var id: String
        @Option(help: ArgumentHelp(Localization.help.keep)) public var keep: Int
        public init() {}

        public func validate() throws {
            if keep < 1 { throw ValidationError(Localization.strings.badKeep(keep)) }
        }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            let v = try db.resolveConflict(id: id, keep: keep)
            print("\(v.documentId) \(v.dot)")
        }
    }
}
