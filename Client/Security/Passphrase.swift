import Foundation

/// Reads a passphrase from the terminal without echoing it. The prompt goes to standard error, so that the
/// output of a command (`--json`) stays clean.
public struct PassphraseReader: Sendable {
    public var read: @Sendable (_ prompt: String) -> String?

    public init(read: @escaping @Sendable (_ prompt: String) -> String?) { self.read = read }

    /// Standard input with echo turned off for the line (and back on, even after Ctrl-C).
    public static let terminal = PassphraseReader { prompt in
        // Echo goes off before the prompt shows, and without discarding input (TCSANOW, not TCSAFLUSH): what a
        // quick typist (or a paste) sends as soon as the prompt appears is neither shown nor lost.
        // Ctrl-C at the prompt must not leave the terminal without echo.
        let previous = signal(SIGINT) { _ in
            EchoRestore.restore()
            _exit(130)
        }
        var saved = termios()
        let isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if isTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            silent.c_lflag |= tcflag_t(ECHONL)
            tcsetattr(STDIN_FILENO, TCSANOW, &silent)
            EchoRestore.saved = saved
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        defer {
            signal(SIGINT, previous)
            if isTerminal {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                EchoRestore.saved = nil
            }
        }
        return Swift.readLine(strippingNewline: true)
    }
}

/// The terminal settings to put back if the process is interrupted while the echo is off.
enum EchoRestore {
    nonisolated(unsafe) static var saved: termios?

    static func restore() {
        guard var saved else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
    }
}
