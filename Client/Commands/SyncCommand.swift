import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori sync` — push the outbox, then pull until up to date.
public struct SyncCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration { Localization.help.sync.configuration("sync") }
    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var output: OutputOptions
    public init() {}

    public func run() async throws {
        let config = global.configuration
        let summary = try await SyncCommand.sync(config.openDatabase(), language: config.language, progress: Output.error)
        if output.json { return try Output.json(summary) }
        SyncCommand.text(summary, language: config.language).forEach { print($0) }
    }

    /// One sync with progress lines in `language`; shared with the menu's 同期する.
    static func sync(_ db: AppDatabase, language: Language, progress report: @escaping (String) -> Void) async throws -> SyncSummary {
        let strings = language.strings
        let engine = try SyncEngine.forLogin(database: db)
        return try await engine.sync { progress in
            switch progress {
            case let .pushed(done, total): report(strings.syncProgressPushed(done, total))
            case let .pulled(documents, _): report(strings.syncProgressPulled(documents))
            case .epochChanged: report(strings.syncEpochChanged)
            }
        }
    }

    static func text(_ summary: SyncSummary, language: Language) -> [String] {
        let strings = language.strings
        var lines = [strings.synced(summary)]
        if summary.deferred > 0 { lines.append(strings.syncDeferred(summary.deferred)) }
        if summary.rejected > 0 { lines.append(strings.syncRejectedHint) }
        return lines
    }
}
