import ArgumentParser
import Foundation
import MimamoriShared

/// `mimamori` — the visitor's offline client (見守り訪問の記録). Alone in a terminal it opens the menu
/// (`MainMenu`); elsewhere it prints help.
public struct MimamoriCommand: AsyncParsableCommand {
    public static var configuration: CommandConfiguration {
        Localization.help.root.configuration("mimamori", subcommands: [
            InitCommand.self, SubjectCommand.self, VisitCommand.self, ActivityCommand.self, DueCommand.self, TotalsCommand.self,
            StatusCommand.self, LoginCommand.self, SyncCommand.self, ConflictsCommand.self, LockCommand.self,
            ReportCommand.self,
        ])
    }

    /// Declared here too so `mimamori --data-dir DIR visit list` works as well as `mimamori visit list --data-dir DIR`:
    /// ArgumentParser hands values of a shared option group down to the subcommand.
    @OptionGroup public var global: GlobalOptions

    public init() {}

    public func run() async throws {
        let config = global.configuration
        guard config.interactive, isatty(STDOUT_FILENO) == 1 else {
            print(MimamoriCommand.localizedHelp(language: config.language))
            return
        }
        try await MainMenu(configuration: config, terminal: .standard).run()
    }

    /// ArgumentParser's `main`, with every message (help, bad arguments, failures) in the locale's language.
    public static func main() async {
        do {
            var command = try parseAsRoot(nil)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            let text = localizedMessage(for: error, language: Localization.language)
            if !text.isEmpty {
                if code == .success { print(text) } else { Output.error(text) }
            }
            Foundation.exit(code.rawValue)
        }
    }

    static func localizedHelp(language: Language) -> String {
        HelpText.translate(helpMessage(), language)
    }

    /// The message ArgumentParser would print for `error`, in `language`.
    static func localizedMessage(for error: any Error, language: Language) -> String {
        if let failure = error as? ValidationFailure {
            return language.strings.errorPrefix + language.strings.validationFailure(failure)
        }
        var text = fullMessage(for: error)
        if language == .japanese, text.hasPrefix("Error: ") {
            // ArgumentParser's own parse errors are fixed English sentences: put the first line in Japanese.
            var lines = text.components(separatedBy: "\n")
            lines[0] = "Error: " + HelpText.parserMessage(String(lines[0].dropFirst("Error: ".count)))
            text = lines.joined(separator: "\n")
        }
        return HelpText.translate(text, language)
    }
}
