import ArgumentParser
import Foundation

/// Options every command takes.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder holding the local database (default: $MIMAMORI_HOME, else the per-user data folder).",
                                            valueName: "dir"))
    public var dataDir: String?

    public init() {}

    public var configuration: ClientConfiguration { ClientConfiguration.resolve(dataDir: dataDir) }
}

/// `--json` of the read commands.
public struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (shapes documented in docs/cli-json.md) instead of text.")
    public var json = false

    public init() {}
}
