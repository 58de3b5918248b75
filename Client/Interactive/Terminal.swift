import Foundation
import MimamoriShared

/// The visitor's side of a conversation: lines read, text written. The real one is the process's terminal;
/// tests pass a script of answers and collect what was written.
public struct Terminal {
    public var readLine: () -> String?
    public var write: (String) -> Void

    public init(readLine: @escaping () -> String?, write: @escaping (String) -> Void) {
        self.readLine = readLine
        self.write = write
    }

    /// Standard input and output, unbuffered so a prompt shows before the visitor types.
    public static var standard: Terminal {
        Terminal(readLine: { Swift.readLine(strippingNewline: true) },
                 write: { text in FileHandle.standardOutput.write(Data(text.utf8)) })
    }

    func say(_ line: String = "") { write(line + "\n") }

    /// Writes `prompt [default]: ` and reads one answer, trimmed and with full-width digits and spaces made
    /// ASCII (a Japanese input method often types ３ or a wide space). Nil when input ends (Ctrl-D).
    func ask(_ prompt: String, default shown: String?) -> String? {
        write(prompt + (shown.map { " [\($0)]" } ?? "") + ": ")
        guard let line = readLine() else { return nil }
        return Terminal.normalize(line)
    }

    static func normalize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s.value {
            case 0xFF10...0xFF19: scalars.append(Unicode.Scalar(s.value - 0xFF10 + 0x30)!)
            case 0x3000: scalars.append(" ")
            case 0xFF0D: scalars.append("-")
            case 0xFF0F: scalars.append("/")
            default: scalars.append(s)
            }
        }
        return String(scalars).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Columns a text takes on a terminal: East Asian wide characters take two.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, s in
            let v = s.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v)
            return sum + (wide ? 2 : 1)
        }
    }

    static func padded(_ text: String, to columns: Int) -> String {
        text + String(repeating: " ", count: max(0, columns - width(text)))
    }
}

/// Ctrl-C during the menu or a guided record: say that nothing was saved and leave. Every write happens in one
/// transaction after 保存しますか, so an interrupted conversation has written nothing.
enum InterruptHandling {
    nonisolated(unsafe) static var source: (any DispatchSourceSignal)?

    /// Replaces any handler installed before, so a step that does write (a sync) can say what Ctrl-C leaves.
    static func install(message: String) {
        source?.cancel()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            EchoRestore.restore()
            FileHandle.standardOutput.write(Data(("\n" + message + "\n").utf8))
            _exit(130)
        }
        source.resume()
        self.source = source
    }
}
