import ArgumentParser
import MimamoriShared

/// `mimamori status` — this installation, its queue, conflicts and last sync.
public struct StatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Replica id, pending changes, rejected changes, conflicts, last sync and server.",
        discussion: "Example: mimamori status")
    @OptionGroup public var global: GlobalOptions
    @OptionGroup public var output: OutputOptions
    public init() {}

    public func run() async throws {
        let config = global.configuration
        let s = try config.openDatabase().status()
        if output.json { return try Output.json(s) }
        let ja = config.language == .japanese
        print("\(ja ? "レプリカID" : "replica"): \(s.replicaId)")
        print("\(ja ? "訪問者" : "visitor"): \(s.visitorId) \(s.name) (\(VisitorRole(rawValue: s.role).label(config.language)))")
        print("\(ja ? "データ" : "data"): \(s.dataFile)")
        print("\(ja ? "訪問記録" : "visits"): \(s.visits)  \(ja ? "訪問先" : "subjects"): \(s.subjects)")
        print("\(ja ? "未送信の変更" : "pending changes"): \(s.pendingChanges)")
        print("\(ja ? "競合" : "conflicts"): \(s.conflicts)\(s.conflicts > 0 ? (ja ? "（mimamori conflicts list）" : " (see mimamori conflicts list)") : "")")
        if !s.rejected.isEmpty {
            print("\(ja ? "サーバーが受け付けなかった変更" : "changes the server refused"): \(s.rejected.count)")
            for r in s.rejected { print("  \(r.documentId) \(r.dot): \(r.code) — \(r.message)") }
        }
        print("\(ja ? "サーバー" : "server"): \(s.server ?? (ja ? "未設定" : "none (mimamori login)"))")
        if let at = s.lastSyncAt, let last = s.lastSync {
            print(ja ? "最終同期: \(at)（送信 \(last.pushed)・受信 \(last.pulled)・新しい競合 \(last.newConflicts)・拒否 \(last.rejected)）"
                     : "last sync: \(at) (pushed \(last.pushed), pulled \(last.pulled), new conflicts \(last.newConflicts), rejected \(last.rejected))")
        } else {
            print(ja ? "最終同期: なし" : "last sync: never")
        }
    }
}
