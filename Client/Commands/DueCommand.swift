import ArgumentParser
import MimamoriShared

/// `mimamori due` — whom to visit next.
public struct DueCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration { Localization.help.due.configuration("due") }
    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var output: OutputOptions
    public init() {}

    public func run() async throws {
        let config = global.configuration
        let items = try config.openDatabaseKeyOptional().due()
        if output.json { return try Output.json(items) }
        DueCommand.text(items, language: config.language).forEach { print($0) }
    }

    /// One line per subject: id, name and how overdue; shared with the menu's 今日の訪問予定.
    static func text(_ items: [DueItem], language: Language, ids: Bool = true) -> [String] {
        let strings = language.strings
        if items.isEmpty { return [strings.nobodyDue] }
        return items.map { item in
            (ids ? "\(item.subjectId)  " : "") + strings.dueLine(name: item.subject?.name ?? strings.nameLocked, lastVisit: item.lastVisit, daysOverdue: item.daysOverdue)
        }
    }
}
