import ArgumentParser
import MimamoriShared

/// `mimamori subject …` — the households and people visited (訪問先).
public struct SubjectCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "subject",
        abstract: "Add, list, show, edit or deactivate subjects (訪問先).",
        discussion: "Example: mimamori subject list",
        subcommands: [Add.self, List.self, Show.self, Edit.self, Deactivate.self])

    public init() {}

    /// The options shared by add and edit.
    public struct FieldOptions: ParsableArguments {
        @Option(help: "Display name (sensitive), e.g. 佐藤一郎.") public var name: String?
        @Option(help: "District (校区), e.g. nishi.") public var district: String?
        @Option(name: .customLong("category"), help: ArgumentHelp("Category, repeatable: \(SubjectCategory.acceptedDescription).", valueName: "category"))
        public var categories: [String] = []
        @Option(help: "Intended days between visits (1–366), e.g. 30.") public var cadenceDays: Int?
        @Flag(inversion: .prefixedNo, help: "Consent to share outside the visiting body (外部提供同意).") public var consent: Bool?
        @Option(help: "Date consent was given, YYYY-MM-DD.") public var consentDate: String?
        @Option(help: "A note (sensitive).") public var note: String?
        public init() {}

        func fields() throws -> SubjectFields {
            SubjectFields(name: name, district: district, categories: InputParsing.codes(categories), cadenceDays: cadenceDays,
                          consentToShare: consent, consentDate: try InputParsing.date(consentDate, option: "consent-date"), note: note)
        }
    }

    public struct Add: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Add a subject.",
            discussion: "Example: mimamori subject add --id S-0001 --name 佐藤一郎 --district nishi --category solo_elderly --cadence-days 14")
        @OptionGroup public var global: GlobalOptions
        @Option(help: "The subject's id, e.g. S-0001 (\(DocumentID.acceptedDescription)).") public var id: String
        @OptionGroup public var options: FieldOptions
        public init() {}

        public func validate() throws {
            if options.name == nil { throw ValidationError("missing --name: the subject's display name, e.g. --name 佐藤一郎") }
            if options.district == nil { throw ValidationError("missing --district: the subject's 校区, e.g. --district nishi") }
            _ = try options.fields()
        }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            let s = try db.addSubject(id: id, fields: try options.fields())
            print(s.id)
        }
    }

    public struct List: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "List active subjects.", discussion: "Example: mimamori subject list --all --json")
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Flag(help: "Include deactivated subjects.") public var all = false
        public init() {}

        public func run() async throws {
            let config = global.configuration
            let items = try config.openDatabase().subjects(includeInactive: all)
            if output.json { return try Output.json(items) }
            for item in items {
                let s = item.subject
                var line = [s.id, s.name, s.district, s.cadenceDays.map { "\($0)d" } ?? "-"].joined(separator: "  ")
                if !s.active { line += config.language == .japanese ? "  （無効）" : "  (inactive)" }
                if item.inConflict { line += config.language == .japanese ? "  ［競合］" : "  [CONFLICT]" }
                print(line)
            }
        }
    }

    public struct Show: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Show a subject and its version history.", discussion: "Example: mimamori subject show S-0001")
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Argument(help: "The subject's id.") public var id: String
        public init() {}

        public func run() async throws {
            let config = global.configuration
            let detail = try config.openDatabase().subjectDetail(id: id)
            if output.json { return try Output.json(detail) }
            Output.documentText(detail, language: config.language).forEach { print($0) }
        }
    }

    public struct Edit: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Change fields of a subject (others stay as they are).",
            discussion: "Example: mimamori subject edit S-0001 --cadence-days 7")
        @OptionGroup public var global: GlobalOptions
        @Argument(help: "The subject's id.") public var id: String
        @OptionGroup public var options: FieldOptions
        public init() {}

        public func validate() throws { _ = try options.fields() }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            print(try db.editSubject(id: id, fields: try options.fields()).id)
        }
    }

    public struct Deactivate: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Mark a subject as no longer visited (kept, but left out of `due`).",
            discussion: "Example: mimamori subject deactivate S-0001")
        @OptionGroup public var global: GlobalOptions
        @Argument(help: "The subject's id.") public var id: String
        public init() {}

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            print(try db.deactivateSubject(id: id).id)
        }
    }
}
