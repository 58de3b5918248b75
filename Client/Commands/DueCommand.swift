import ArgumentParser
import MimamoriShared

/// `mimamori due` — whom to visit next.
public struct DueCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "Active subjects whose last visit is older than their cadence, most overdue first (never visited on top).",
        discussion: "Example: mimamori due --json")
    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var output: OutputOptions
    public init() {}

    public func run() async throws {
        let config = global.configuration
        let items = try config.openDatabase().due()
        if output.json { return try Output.json(items) }
        let ja = config.language == .japanese
        if items.isEmpty { print(ja ? "訪問予定を過ぎた訪問先はありません" : "nobody is overdue for a visit") }
        for item in items {
            let when = item.lastVisit.map { last in
                ja ? "最終訪問 \(last)・\(item.daysOverdue ?? 0)日超過" : "last visit \(last), \(item.daysOverdue ?? 0) days overdue"
            } ?? (ja ? "未訪問" : "never visited")
            print("\(item.subject.id)  \(item.subject.name)  \(item.subject.district)  \(when)")
        }
    }
}
