import Foundation
import MimamoriShared

/// Everything the commands take from the environment, resolved once at start-up so that library code never
/// reads environment variables or the terminal itself.
public struct ClientConfiguration: Sendable, Hashable {
    public var dataDirectory: URL
    public var language: Language
    /// Standard input is a terminal: `visit log` may ask for missing fields.
    public var interactive: Bool
    /// Dates in 和暦 on screens for people (`--wareki` or `MIMAMORI_WAREKI=1`).
    public var wareki: Bool
    /// `MIMAMORI_PASSPHRASE`, for scripts and tests. Anyone who can read the process's environment (the same
    /// user, root, a shell history or a script file) can read it: use it only where that is acceptable.
    public var passphrase: String?
    /// Where the unlocked key is kept for the login session.
    public var keyCache: KeyCache
    /// scrypt's cost for a new passphrase.
    public var keyDerivation: KeyDerivation

    public init(dataDirectory: URL, language: Language, interactive: Bool, wareki: Bool = false,
                passphrase: String? = nil, keyCache: KeyCache = KeyCache(directory: nil, place: .none),
                keyDerivation: KeyDerivation = .standard) {
        self.dataDirectory = dataDirectory
        self.language = language
        self.interactive = interactive
        self.wareki = wareki
        self.passphrase = passphrase
        self.keyCache = keyCache
        self.keyDerivation = keyDerivation
    }

    /// The strings table of this configuration's language and date style.
    public var strings: any Strings { language.strings(wareki: wareki) }

    /// `--data-dir` wins, then `MIMAMORI_HOME`, then the platform's per-user data folder.
    public static func resolve(dataDir: String?, wareki: Bool = false,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               interactive: Bool = isatty(STDIN_FILENO) == 1) -> ClientConfiguration {
        let directory: URL
        if let dataDir, !dataDir.isEmpty {
            directory = URL(fileURLWithPath: (dataDir as NSString).expandingTildeInPath)
        } else if let home = environment["MIMAMORI_HOME"], !home.isEmpty {
            directory = URL(fileURLWithPath: (home as NSString).expandingTildeInPath)
        } else {
            directory = defaultDataDirectory(environment: environment)
        }
        let warekiAsked = wareki || ["1", "true", "yes"].contains(environment["MIMAMORI_WAREKI"]?.lowercased() ?? "")
        let passphrase = environment["MIMAMORI_PASSPHRASE"].flatMap { $0.isEmpty ? nil : $0 }
        return ClientConfiguration(dataDirectory: directory, language: Language.from(environment: environment),
                                   interactive: interactive, wareki: warekiAsked, passphrase: passphrase,
                                   keyCache: KeyCache.resolve(environment: environment))
    }

    public static func defaultDataDirectory(environment: [String: String]) -> URL {
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        #if os(macOS)
        return home.appendingPathComponent("Library/Application Support/Mimamori")
        #else
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("mimamori")
        }
        return home.appendingPathComponent(".local/share/mimamori")
        #endif
    }
}
