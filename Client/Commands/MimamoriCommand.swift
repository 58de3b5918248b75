import ArgumentParser

/// `mimamori` — the visitor's offline client (見守り訪問の記録).
public struct MimamoriCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mimamori",
        abstract: "Record watch-over visits (見守り訪問) offline and sync them with the district office.",
        discussion: """
            Example:
              mimamori init --visitor-id V-001 --name 山田花子 --role fureai_member --district nishi
              mimamori subject add --id S-0001 --name 佐藤一郎 --district nishi --cadence-days 14
              mimamori visit log --subject S-0001 --kind fureai_watch
            """,
        subcommands: [
            InitCommand.self, SubjectCommand.self, VisitCommand.self, DueCommand.self, TotalsCommand.self,
            StatusCommand.self, LoginCommand.self, SyncCommand.self, ConflictsCommand.self,
        ])

    /// Declared here too so `mimamori --data-dir DIR visit list` works as well as `mimamori visit list --data-dir DIR`:
    /// ArgumentParser hands values of a shared option group down to the subcommand.
    @OptionGroup public var global: GlobalOptions

    public init() {}
}
