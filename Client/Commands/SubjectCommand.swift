import ArgumentParser
import MimamoriShared

/// `mimamori subject …` — the households and people visited (訪問先).
public struct SubjectCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        Localization.help.subject.configuration("subject", subcommands: [Add.self, List.self, Show.self, Edit.self, Deactivate.self])
    }

    public init() {}

    /// The options shared by add and edit.
    public struct FieldOptions: ParsableArguments {
        @Option(help: ArgumentHelp(Localization.help.subjectName)) public var name: String?
        @Option(help: ArgumentHelp(Localization.help.district)) public var district: String?
        @Option(name: .customLong("category"), help: codeHelp(Localization.help.category, SubjectCategory.self, valueName: "category"))
        public var categories: [String] = []
        @Option(help: ArgumentHelp(Localization.help.cadenceDays)) public var cadenceDays: Int?
        @Flag(inversion: .prefixedNo, help: ArgumentHelp(Localization.help.consent)) public var consent: Bool?
        @Option(help: ArgumentHelp(Localization.help.consentDate)) public var consentDate: String?
        @Option(help: ArgumentHelp(Localization.help.note)) public var note: String?
        public init() {}

        func fields() throws -> SubjectFields {
            SubjectFields(name: name, district: district, categories: InputParsing.codes(categories), cadenceDays: cadenceDays,
                          consentToShare: consent, consentDate: try InputParsing.date(consentDate, option: "consent-date"), note: note)
        }
    }

    public struct Add: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.subjectAdd.configuration() }
        @OptionGroup public var global: GlobalOptions
        @Option(help: ArgumentHelp(Localization.help.subjectNewId)) public var id: String
        @OptionGroup public var options: FieldOptions
        public init() {}

        public func validate() throws {
            if options.name == nil { throw ValidationError(Localization.strings.missingOption("--name", example: "--name 佐藤一郎")) }
            if options.district == nil { throw ValidationError(Localization.strings.missingOption("--district", example: "--district nishi")) }
            _ = try options.fields()
        }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            let s = try db.addSubject(id: id, fields: try options.fields())
            print(s.id)
        }
    }

    public struct List: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.subjectList.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Flag(help: ArgumentHelp(Localization.help.includeInactive)) public var all = false
        public init() {}

        public func run() async throws {
            let config = global.configuration
            let items = try config.openDatabase().subjects(includeInactive: all)
            if output.json { return try Output.json(items) }
            for item in items {
                let s = item.subject
                var line = [s.id, s.name, s.district, s.cadenceDays.map { "\($0)d" } ?? "-"].joined(separator: "  ")
                if !s.active { line += "  " + config.language.strings.label(.inactiveBadge) }
                if item.inConflict { line += "  " + config.language.strings.label(.conflictBadge) }
                print(line)
            }
        }
    }

    public struct Show: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.subjectShow.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Argument(help: ArgumentHelp(Localization.help.subjectId)) public var id: String
        public init() {}

        public func run() async throws {
            let config = global.configuration
            let detail = try config.openDatabase().subjectDetail(id: id)
            if output.json { return try Output.json(detail) }
            Output.documentText(detail, language: config.language).forEach { print($0) }
        }
    }

    public struct Edit: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.subjectEdit.configuration() }
        @OptionGroup public var global: GlobalOptions
        @Argument(help: ArgumentHelp(Localization.help.subjectId)) public var id: String
        @OptionGroup public var options: FieldOptions
        public init() {}

        public func validate() throws { _ = try options.fields() }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            print(try db.editSubject(id: id, fields: try options.fields()).id)
        }
    }

    public struct Deactivate: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.subjectDeactivate.configuration() }
        @OptionGroup public var global: GlobalOptions
        @Argument(help: ArgumentHelp(Localization.help.subjectId)) public var id: String
        public init() {}

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            print(try db.deactivateSubject(id: id).id)
        }
    }
}
