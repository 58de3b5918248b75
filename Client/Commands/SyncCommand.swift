import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori sync` — push the outbox, then pull until up to date.
public struct SyncCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Send your changes to the server and receive everyone else's. Safe to interrupt and run again.",
        discussion: "Example: mimamori sync")
    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var output: OutputOptions
    public init() {}

    public func run() async throws {
        let config = global.configuration
        let db = try config.openDatabase()
        let engine = try SyncEngine.forLogin(database: db)
        let summary = try await engine.sync { progress in
            switch progress {
            case let .pushed(done, total): Output.error("pushed \(done)/\(total)")
            case let .pulled(documents, cursor): Output.error("pulled \(documents) (cursor \(cursor))")
            case let .epochChanged(epoch): Output.error("server epoch is now \(epoch): re-sending everything this device wrote and pulling from the start")
            }
        }
        if output.json { return try Output.json(summary) }
        let ja = config.language == .japanese
        print(ja ? "同期しました：送信 \(summary.pushed)・受信 \(summary.pulled)・新しい競合 \(summary.newConflicts)・拒否 \(summary.rejected)"
                 : "synced: pushed \(summary.pushed), pulled \(summary.pulled), new conflicts \(summary.newConflicts), rejected \(summary.rejected)")
        if summary.deferred > 0 {
            print(ja ? "\(summary.deferred) 件は他の端末の同期を待っています。後でもう一度同期してください"
                     : "\(summary.deferred) changes wait for other laptops to sync first; run sync again later")
        }
        if summary.rejected > 0 { print(ja ? "拒否された変更は `mimamori status` で確認できます" : "see `mimamori status` for the refused changes") }
    }
}
