import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori visit …` — log, edit, delete, list and show visits (訪問記録).
public struct VisitCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "visit",
        abstract: "Log, edit, delete, list and show visits (訪問記録).",
        discussion: "Example: mimamori visit log --subject S-0001 --kind fureai_watch --concern isolation",
        subcommands: [Log.self, Edit.self, Delete.self, List.self, Show.self])

    public init() {}

    /// The fields of a visit, shared by log and edit.
    public struct FieldOptions: ParsableArguments {
        @Option(help: "The subject's id, e.g. S-0001.") public var subject: String?
        @Option(help: ArgumentHelp("Kind of visit: \(VisitKind.acceptedDescription).", valueName: "kind")) public var kind: String?
        @Option(help: "Visit date YYYY-MM-DD (default for log: today, Japan time).") public var date: String?
        @Option(help: "Time HH:MM, e.g. 14:30.") public var time: String?
        @Option(help: ArgumentHelp("Contact method (default home_visit): \(ContactMethod.acceptedDescription).", valueName: "method"))
        public var method: String?
        @Option(help: ArgumentHelp("Outcome (default safety_confirmed): \(Outcome.acceptedDescription).", valueName: "outcome"))
        public var outcome: String?
        @Option(name: .customLong("action"), help: ArgumentHelp("What was done, repeatable: \(VisitAction.acceptedDescription).", valueName: "action"))
        public var actions: [String] = []
        @Option(name: .customLong("service"), help: ArgumentHelp("nichiji_checkin services, repeatable: \(NichijiService.acceptedDescription).", valueName: "service"))
        public var services: [String] = []
        @Option(name: .customLong("concern"), help: ArgumentHelp("Concern noticed (気づき), repeatable: \(Concern.acceptedDescription).", valueName: "concern"))
        public var concerns: [String] = []
        @Flag(inversion: .prefixedNo, help: "Urgent (緊急性あり).") public var urgent: Bool?
        @Option(name: .customLong("shared-at"), help: ArgumentHelp("Shared at, repeatable: \(SharingVenue.acceptedDescription).", valueName: "venue"))
        public var sharedAt: [String] = []
        @Option(help: ArgumentHelp("Referred to: \(ReferralDestination.acceptedDescription).", valueName: "dest")) public var referral: String?
        @Option(help: "Next visit due, YYYY-MM-DD.") public var nextDue: String?
        @Option(help: "Duration in minutes (1–1440).") public var durationMin: Int?
        @Option(help: ArgumentHelp("Outreach plan event: \(PlanEvent.acceptedDescription).", valueName: "event")) public var planEvent: String?
        @Option(name: .customLong("assists"), help: "For kyoryokuin_watch: the 民生委員 assisted (default: from init).") public var assists: String?
        @Option(help: "A note (sensitive).") public var note: String?
        public init() {}

        public func fields() throws -> VisitFields {
            VisitFields(
                subjectId: subject, kind: InputParsing.code(kind), date: try InputParsing.date(date, option: "date"),
                time: try InputParsing.time(time, option: "time"), method: InputParsing.code(method),
                outcome: InputParsing.code(outcome), actions: InputParsing.codes(actions),
                services: InputParsing.codes(services), concerns: InputParsing.codes(concerns), urgent: urgent,
                sharedAt: InputParsing.codes(sharedAt), referral: InputParsing.code(referral),
                nextDue: try InputParsing.date(nextDue, option: "next-due"), durationMinutes: durationMin,
                planEvent: InputParsing.code(planEvent), assistsMinseiId: assists, note: note)
        }
    }

    public struct Log: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Log a visit and print its id. In a terminal, asks for a missing subject or kind.",
            discussion: """
                Defaults: today (Japan time), home_visit, safety_confirmed, your role and organisation from init, the \
                subject's district.
                Example: mimamori visit log --subject S-0001 --kind fureai_watch --outcome not_at_home --note "ポストに手紙"
                """)
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var options: FieldOptions
        public init() {}

        public func validate() throws { _ = try options.fields() }

        public func run() async throws {
            let config = global.configuration
            let db = try config.openDatabase()
            var fields = try options.fields()
            if fields.subjectId == nil || fields.kind == nil {
                guard config.interactive else {
                    let missing = [fields.subjectId == nil ? "--subject (the id of a subject; see `mimamori subject list`)" : nil,
                                   fields.kind == nil ? "--kind (one of \(VisitKind.acceptedDescription))" : nil]
                    throw ValidationError("missing " + missing.compactMap { $0 }.joined(separator: " and "))
                }
                let prompter = VisitPrompter(readLine: { Swift.readLine() },
                                             write: { print($0, terminator: $0.hasSuffix(": ") ? "" : "\n") })
                guard let completed = prompter.complete(fields, subjects: try db.subjects()) else {
                    throw ValidationError("no visit logged: input ended before --subject and --kind were given")
                }
                fields = completed
            }
            print(try db.logVisit(fields).id)
        }
    }

    public struct Edit: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Change fields of a visit (others stay as they are). On a visit in conflict, this resolves it.",
            discussion: "Example: mimamori visit edit 0193a5c2-… --outcome declined --concern service_refusal")
        @OptionGroup public var global: GlobalOptions
        @Argument(help: "The visit's id.") public var id: String
        @OptionGroup public var options: FieldOptions
        public init() {}

        public func validate() throws { _ = try options.fields() }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            print(try db.editVisit(id: id, try options.fields()).id)
        }
    }

    public struct Delete: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "Delete a visit (a tombstone that syncs, not an erase).",
            discussion: "Example: mimamori visit delete 0193a5c2-…")
        @OptionGroup public var global: GlobalOptions
        @Argument(help: "The visit's id.") public var id: String
        public init() {}

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            try db.deleteVisit(id: id)
            print(id)
        }
    }

    public struct List: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            abstract: "List visits, oldest first.",
            discussion: "Example: mimamori visit list --month 2025-06 --kind fureai_watch")
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Option(help: "Only this month, YYYY-MM.") public var month: String?
        @Option(help: "Only this 年度 (fiscal year starting in April), e.g. 2025.") public var fy: Int?
        @Option(help: "From this date, YYYY-MM-DD (inclusive).") public var from: String?
        @Option(help: "To this date, YYYY-MM-DD (inclusive).") public var to: String?
        @Option(help: "Only visits to this subject.") public var subject: String?
        @Option(help: "Only this kind.") public var kind: String?
        @Flag(help: "Include deleted visits.") public var includeDeleted = false
        public init() {}

        public func validate() throws { _ = try filter() }

        func filter() throws -> VisitFilter {
            let ranges = [month != nil, fy != nil, from != nil || to != nil].filter { $0 }.count
            if ranges > 1 { throw ValidationError("give only one of --month, --fy, or --from/--to") }
            var f = VisitFilter()
            if let month { let m = try InputParsing.month(month); f = .month(year: m.year, month: m.month) }
            if let fy {
                guard (2000...2100).contains(fy) else { throw ValidationError("--fy: '\(fy)' is not accepted; accepted: a year from 2000 to 2100, e.g. 2025") }
                f = .fiscalYear(FiscalYear(fy))
            }
            if let d = try InputParsing.date(from, option: "from") { f.from = d }
            if let d = try InputParsing.date(to, option: "to") { f.to = d }
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
        public static let configuration = CommandConfiguration(
            abstract: "Show a visit and its version history (who wrote each version, and when).",
            discussion: "Example: mimamori visit show 0193a5c2-… --json")
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Argument(help: "The visit's id.") public var id: String
        public init() {}

        public func run() async throws {
            let config = global.configuration
            let detail = try config.openDatabase().visitDetail(id: id)
            if output.json { return try Output.json(detail) }
            Output.documentText(detail, language: config.language).forEach { print($0) }
        }
    }
}
