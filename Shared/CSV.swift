import Foundation

/// CSV that opens correctly in Excel, written the same way by the laptop's reports and the office's pages:
/// UTF-8 with a byte-order mark, CRLF line ends, every cell quoted, and any cell starting with `=`, `+`, `-`,
/// `@` (or a tab or carriage return) prefixed with `'` so Excel reads it as text rather than a formula.
public enum CSV {
    public static func data(headers: [String], rows: [[String]]) -> Data {
        var out = "\u{FEFF}"
        for line in [headers] + rows {
            out += line.map(cell).joined(separator: ",") + "\r\n"
        }
        return Data(out.utf8)
    }

    public static func cell(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
