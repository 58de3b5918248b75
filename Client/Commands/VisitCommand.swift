import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori visit …` — log, edit, delete, list and show visits (訪問記録).
public struct VisitCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        Localization.help.visit.configuration("visit", subcommands: [Log.self, Edit.self, Delete.self, List.self, Show.self])
    }

    public init() {}

    /// The fields of a visit, shared by log and edit.
    public struct FieldOptions: ParsableArguments {
        @Option(help: ArgumentHelp(Localization.help.visitSubject)) public var subject: String?
        @Option(help: codeHelp(Localization.help.kind, VisitKind.self, valueName: "kind")) public var kind: String?
        @Option(help: ArgumentHelp(Localization.help.date)) public var date: String?
        @Option(help: ArgumentHelp(Localization.help.time)) public var time: String?
        @Option(help: codeHelp(Localization.help.method, ContactMethod.self, valueName: "method"))
        public var method: String?
        @Option(help: codeHelp(Localization.help.outcome, Outcome.self, valueName: "outcome"))
        public var outcome: String?
        @Option(name: .customLong("action"), help: codeHelp(Localization.help.action, VisitAction.self, valueName: "action"))
        public var actions: [String] = []
        @Option(name: .customLong("service"), help: codeHelp(Localization.help.service, NichijiService.self, valueName: "service"))
        public var services: [String] = []
        @Option(name: .customLong("concern"), help: codeHelp(Localization.help.concern, Concern.self, valueName: "concern"))
        public var concerns: [String] = []
        @Flag(inversion: .prefixedNo, help: ArgumentHelp(Localization.help.urgent)) public var urgent: Bool?
        @Option(name: .customLong("shared-at"), help: codeHelp(Localization.help.sharedAt, SharingVenue.self, valueName: "venue"))
        public var sharedAt: [String] = []
        @Option(help: codeHelp(Localization.help.referral, ReferralDestination.self, valueName: "dest")) public var referral: String?
        @Option(help: ArgumentHelp(Localization.help.nextDue)) public var nextDue: String?
        @Option(help: ArgumentHelp(Localization.help.durationMin)) public var durationMin: Int?
        @Option(help: codeHelp(Localization.help.planEvent, PlanEvent.self, valueName: "event")) public var planEvent: String?
        @Option(help: codeHelp(Localization.help.consultationField, ConsultationField.self, valueName: "field"))
        public var consultationField: String?
        @Option(name: .customLong("consultation-topic"),
                help: codeHelp(Localization.help.consultationTopic, ConsultationTopic.self, valueName: "topic"))
        public var consultationTopics: [String] = []
        @Option(name: .customLong("assists"), help: ArgumentHelp(Localization.help.visitAssists)) public var assists: String?
        @Option(help: ArgumentHelp(Localization.help.note)) public var note: String?
        public init() {}

        public func fields() throws -> VisitFields {
            VisitFields(
                subjectId: subject, kind: InputParsing.code(kind), date: try InputParsing.date(date, option: "date"),
                time: try InputParsing.time(time, option: "time"), method: InputParsing.code(method),
                outcome: InputParsing.code(outcome), actions: InputParsing.codes(actions),
                services: InputParsing.codes(services), concerns: InputParsing.codes(concerns), urgent: urgent,
                sharedAt: InputParsing.codes(sharedAt), referral: InputParsing.code(referral),
                nextDue: try InputParsing.date(nextDue, option: "next-due"), durationMinutes: durationMin,
                planEvent: InputParsing.code(planEvent), assistsMinseiId: assists,
                consultationField: InputParsing.code(consultationField),
                consultationTopics: InputParsing.codes(consultationTopics), note: note)
        }
    }

    public struct Log: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.visitLog.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var options: FieldOptions
        public init() {}

        public func validate() throws { _ = try options.fields() }

        public func run() async throws {
            let config = global.configuration
            let db = try config.openDatabase()
            let fields = try options.fields()
            if fields.subjectId == nil || fields.kind == nil {
                guard config.interactive else {
                    throw ValidationError(config.language.strings.missingForLog(subject: fields.subjectId == nil, kind: fields.kind == nil))
                }
                // In a terminal: the guided record, which says what it saved in words.
                InterruptHandling.install(message: config.strings.interrupted)
                let guided = GuidedVisit(database: db, terminal: .standard, language: config.language, today: .today(), wareki: config.wareki)
                guard try guided.record(preset: fields) != nil else { throw ExitCode(1) }
                return
            }
            print(try db.logVisit(fields).id)
        }
    }

    public struct Edit: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.visitEdit.configuration() }
        @OptionGroup public var global: GlobalOptions
        @Argument(help: ArgumentHelp(Localization.help.visitId)) public var id: String?
        @Flag(help: ArgumentHelp(Localization.help.last)) public var last = false
        @OptionGroup public var options: FieldOptions
        @Option(help: ArgumentHelp(Localization.help.clear, valueName: "field")) public var clear: [String] = []
        public init() {}

        public func validate() throws {
            if (id == nil) == !last { throw ValidationError(Localization.strings.idOrLast) }
            _ = try fields()
        }

        func fields() throws -> VisitFields {
            let given = try options.fields()
            var fields = given
            fields.cleared = try InputParsing.cleared(clear) { (field: ClearableVisitField) in field.isGiven(in: given) }
            return fields
        }

        public func run() async throws {
            let config = global.configuration
            let db = try config.openDatabase()
            let fields = try fields()
            let visitId: String
            if let id {
                visitId = id
            } else {
                guard let lastVisit = try db.lastOwnVisit() else { throw ValidationError(config.language.strings.noOwnVisits) }
                if fields == VisitFields(), config.interactive {
                    // `visit edit --last` in a terminal: the numbered summary, corrected line by line.
                    InterruptHandling.install(message: config.strings.interrupted)
                    let guided = GuidedVisit(database: db, terminal: .standard, language: config.language, today: .today(), wareki: config.wareki)
                    _ = try guided.correct(lastVisit)
                    return
                }
                visitId = lastVisit.id
            }
            print(try db.editVisit(id: visitId, fields).id)
        }
    }

    public struct Delete: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.visitDelete.configuration() }
        @OptionGroup public var global: GlobalOptions
        @Argument(help: ArgumentHelp(Localization.help.visitId)) public var id: String
        public init() {}

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            try db.deleteVisit(id: id)
            print(id)
        }
    }

    public struct List: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.visitList.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @OptionGroup public var dates: DateRangeOptions
        @Option(help: ArgumentHelp(Localization.help.onlySubject)) public var subject: String?
        @Option(help: ArgumentHelp(Localization.help.onlyKind)) public var kind: String?
        @Flag(help: ArgumentHelp(Localization.help.includeDeleted)) public var includeDeleted = false
        public init() {}

        public func validate() throws { _ = try filter() }

        func filter() throws -> VisitFilter {
            var f = try dates.range()
            f.subjectId = subject
            if let kind { f.kind = try InputParsing.knownCode(kind) as VisitKind }
            f.includeDeleted = includeDeleted
            return f
        }

        public func run() async throws {
            let config = global.configuration
            let items = try config.openDatabase().visits(try filter())
            if output.json { return try Output.json(items) }
            for item in items { print(Output.visitLine(item.visit, inConflict: item.inConflict, language: config.language)) }
        }
    }

    public struct Show: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.visitShow.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Argument(help: ArgumentHelp(Localization.help.visitId)) public var id: String
        public init() {}

        public func run() async throws {
            let config = global.configuration
            let detail = try config.openDatabase().visitDetail(id: id)
            if output.json { return try Output.json(detail) }
            Output.documentText(detail, language: config.language).forEach { print($0) }
        }
    }
}
