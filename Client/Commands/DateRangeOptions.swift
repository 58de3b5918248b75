import ArgumentParser
import MimamoriShared

/// The date range of a list command (`visit list`, `activity list`): one of --month, --fy, or --from/--to.
public struct DateRangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(Localization.help.month)) public var month: String?
    @Option(help: ArgumentHelp(Localization.help.fy)) public var fy: Int?
    @Option(help: ArgumentHelp(Localization.help.from)) public var from: String?
    @Option(help: ArgumentHelp(Localization.help.to)) public var to: String?
    public init() {}

    /// The range as a filter with inclusive dates (only `from` and `to` set); refuses two ranges at once.
    func range() throws -> VisitFilter {
        let ranges = [month != nil, fy != nil, from != nil || to != nil].filter { $0 }.count
        if ranges > 1 { throw ValidationError(Localization.strings.oneRangeOnly) }
        var f = VisitFilter()
        if let month { let m = try InputParsing.month(month); f = .month(year: m.year, month: m.month) }
        if let fy {
            guard FiscalYear.supportedYears.contains(fy) else { throw ValidationError(Localization.strings.badFiscalYear(fy)) }
            f = .fiscalYear(FiscalYear(fy))
        }
        if let d = try InputParsing.date(from, option: "from") { f.from = d }
        if let d = try InputParsing.date(to, option: "to") { f.to = d }
        return f
    }
}
