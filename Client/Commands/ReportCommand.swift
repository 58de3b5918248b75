import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori report …` — figures a visitor hands in.
public struct ReportCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        Localization.help.report.configuration("report", subcommands: [Monthly.self])
    }

    public init() {}

    /// `mimamori report monthly --month YYYY-MM` — 民生委員の活動記録 for one month, in the national form's order.
    public struct Monthly: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.reportMonthly.configuration("monthly") }
        @OptionGroup public var global: GlobalOptions
        @Option(help: ArgumentHelp(Localization.help.reportMonth, valueName: "YYYY-MM")) public var month: String
        @Flag(help: ArgumentHelp(Localization.help.reportJSON)) public var json = false
        @Flag(help: ArgumentHelp(Localization.help.reportCSV)) public var csv = false
        public init() {}

        public func validate() throws {
            _ = try Self.month(month)
            if json && csv { throw ValidationError(Localization.strings.jsonOrCSV) }
        }

        /// Exactly YYYY-MM: `2026-1` or `2026-11-01` are refused with the option named.
        static func month(_ text: String) throws -> (year: Int, month: Int) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
                  parts.allSatisfy({ $0.allSatisfy(\.isASCII) }) else {
                throw ValidationError(Localization.strings.badMonthOption(text))
            }
            return try InputParsing.month(text)
        }

        public func run() async throws {
            let config = global.configuration
            let m = try Self.month(month)
            // Clear counters, as for `totals`: the key is needed only once, to count visits held from before them.
            let db = try config.openDatabaseKeyOptional()
            if try db.activityCountersPending() { try config.unlock(db, required: true, reader: .terminal) }
            let report = try db.monthlyActivity(year: m.year, month: m.month, language: config.language)
            if json { return try Output.json(report) }
            if csv { return FileHandle.standardOutput.write(Self.csv(report, language: config.language)) }
            Self.text(report, language: config.language).forEach { print($0) }
        }

        /// The rows of the form, in its order: (section, item, count).
        static func rows(_ r: MonthlyActivityReport, language: Language) -> [(String, String, Int)] {
            let t = language.strings
            var rows = [
                ("", t.label(.reportVisits), r.visits),
                ("", t.label(.activityDays), r.activityDays),
                ("", t.label(.liaisons), r.liaisons),
                ("", t.label(.consultations), r.consultations),
            ]
            let field = "\(t.label(.consultations)) \(t.label(.byField))"
            let topic = "\(t.label(.consultations)) \(t.label(.byTopic))"
            rows += r.byField.map { (field, $0.label, $0.count) }
            rows += r.byTopic.map { (topic, $0.label, $0.count) }
            rows.append(("", t.label(.otherActivities), r.otherActivities))
            let other = "\(t.label(.otherActivities)) \(t.label(.byCategory))"
            rows += r.byActivity.map { (other, $0.label, $0.count) }
            return rows
        }

        static func text(_ r: MonthlyActivityReport, language: Language) -> [String] {
            let t = language.strings
            var lines = ["\(t.label(.activityReport)) \(r.month) — \(r.visitorId)"]
            var section = ""
            for (s, item, count) in rows(r, language: language) {
                if s != section { section = s; lines.append("\(s):") }
                lines.append(s.isEmpty ? "\(item): \(count)" : "  \(item): \(count)")
            }
            return lines
        }

        static func csv(_ r: MonthlyActivityReport, language: Language) -> Data {
            let t = language.strings
            return CSV.data(headers: [t.label(.csvSection), t.label(.csvItem), t.label(.csvCount)],
                            rows: rows(r, language: language).map { [$0.0, $0.1, String($0.2)] })
        }
    }
}
