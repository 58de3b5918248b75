import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori activity …` — log, edit, delete, list and show activities (活動記録: その他の活動・連絡調整).
public struct ActivityCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        Localization.help.activity.configuration("activity", subcommands: [Log.self, Edit.self, Delete.self, List.self, Show.self])
    }

    public init() {}

    /// The fields of an activity, shared by log and edit.
    public struct FieldOptions: ParsableArguments {
        @Option(help: codeHelp(Localization.help.activityCategory, ActivityCategory.self, valueName: "category"))
        public var category: String?
        @Option(help: ArgumentHelp(Localization.help.activityDate)) public var date: String?
        @Option(help: ArgumentHelp(Localization.help.activityDistrict)) public var district: String?
        @Option(help: ArgumentHelp(Localization.help.activityCount)) public var count: Int?
        @Option(help: ArgumentHelp(Localization.help.note)) public var note: String?
        public init() {}

        public func fields() throws -> ActivityFields {
            ActivityFields(category: InputParsing.code(category), date: try InputParsing.date(date, option: "date"),
                           district: district, count: count, note: note)
        }
    }

    public struct Log: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.activityLog.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var options: FieldOptions
        public init() {}

        public func validate() throws { _ = try options.fields() }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            print(try db.logActivity(try options.fields()).id)
        }
    }

    public struct Edit: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.activityEdit.configuration() }
        @OptionGroup public var global: GlobalOptions
        @Argument(help: ArgumentHelp(Localization.help.activityId)) public var id: String
        @OptionGroup public var options: FieldOptions
        @Option(help: ArgumentHelp(Localization.help.clearNote, valueName: "field")) public var clear: [String] = []
        public init() {}

        public func validate() throws { _ = try fields() }

        func fields() throws -> ActivityFields {
            let given = try options.fields()
            var fields = given
            let cleared = try InputParsing.cleared(clear) { (_: ClearableActivityField) in given.note != nil }
            fields.clearNote = cleared.contains(.note)
            return fields
        }

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            print(try db.editActivity(id: id, try fields()).id)
        }
    }

    public struct Delete: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.activityDelete.configuration() }
        @OptionGroup public var global: GlobalOptions
        @Argument(help: ArgumentHelp(Localization.help.activityId)) public var id: String
        public init() {}

        public func run() async throws {
            let db = try global.configuration.openDatabase()
            try db.deleteActivity(id: id)
            print(id)
        }
    }

    public struct List: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.activityList.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @OptionGroup public var dates: DateRangeOptions
        @Option(help: ArgumentHelp(Localization.help.onlyCategory)) public var category: String?
        @Flag(help: ArgumentHelp(Localization.help.includeDeleted)) public var includeDeleted = false
        public init() {}

        public func validate() throws { _ = try filter() }

        /// The date range as `visit list` reads it (one of --month, --fy, --from/--to), and the category.
        func filter() throws -> ActivityFilter {
            let range = try dates.range()
            return ActivityFilter(from: range.from, to: range.to,
                                  category: try category.map { try InputParsing.knownCode($0, option: "category") as ActivityCategory },
                                  includeDeleted: includeDeleted)
        }

        public func run() async throws {
            let config = global.configuration
            let items = try config.openDatabase().activities(try filter())
            if output.json { return try Output.json(items) }
            for item in items { print(Output.activityLine(item.activity, inConflict: item.inConflict, language: config.language)) }
        }
    }

    public struct Show: AsyncParsableCommand {
        public static var configuration: CommandConfiguration { Localization.help.activityShow.configuration() }
        @OptionGroup public var global: GlobalOptions
        @OptionGroup public var output: OutputOptions
        @Argument(help: ArgumentHelp(Localization.help.activityId)) public var id: String
        public init() {}

        public func run() async throws {
            let config = global.configuration
            let detail = try config.openDatabase().activityDetail(id: id)
            if output.json { return try Output.json(detail) }
            Output.documentText(detail, language: config.language).forEach { print($0) }
        }
    }
}
