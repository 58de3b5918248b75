import ArgumentParser
import MimamoriShared

/// `mimamori status` — this installation, its queue, conflicts and last sync.
public struct StatusCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration { Localization.help.status.configuration("status") }
    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var output: OutputOptions
    public init() {}

    public func run() async throws {
        let config = global.configuration
        let s = try config.openDatabaseKeyOptional().status()
        if output.json { return try Output.json(s) }
        config.strings.statusLines(s).forEach { print($0) }
    }
}
