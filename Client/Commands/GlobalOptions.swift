import ArgumentParser
import Foundation

/// Options every command takes.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(Localization.help.dataDir, valueName: "dir"))
    public var dataDir: String?

    @Flag(name: .long, help: ArgumentHelp(Localization.help.wareki))
    public var wareki = false

    public init() {}

    public var configuration: ClientConfiguration { ClientConfiguration.resolve(dataDir: dataDir, wareki: wareki) }
}

/// `--json` of the read commands.
public struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(Localization.help.json))
    public var json = false

    public init() {}
}
