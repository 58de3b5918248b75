import ArgumentParser
import Foundation
import MimamoriShared

/// Puts ArgumentParser's own fixed English words (section titles, the help flag, "See … for more information")
/// into the table's language, so that a help screen or an error under a Japanese locale holds one language.
enum HelpText {
    static func translate(_ text: String, _ language: Language) -> String {
        guard language == .japanese else { return text }
        var result = text
        for (english, local) in language.strings.help.generatorWords {
            result = result.replacingOccurrences(of: english, with: local)
        }
        result = replace(#"See '([^']+)' for detailed help\."#, in: result, with: "くわしくは「$1」を見てください。")
        result = replace(#"See '([^']+)' for more information\."#, in: result, with: "くわしくは「$1」を見てください。")
        result = replace(#"(?m)^Help:  "#, in: result, with: "説明: ")
        result = replace(#"(?m)^Error: "#, in: result, with: "エラー: ")
        return result
    }

    /// ArgumentParser's own parse errors, in Japanese (its messages are fixed English strings).
    static func parserMessage(_ message: String) -> String {
        let rules: [(String, String)] = [
            (#"^Unknown option '([^']+)'.*"#, "「$1」というオプションはありません。"),
            (#"^Unexpected argument '([^']+)'.*"#, "「$1」は使えません（余分な指定です）。"),
            (#"^Missing expected argument '([^']+)'.*"#, "「$1」を指定してください。"),
            (#"^Missing value for '([^']+)'.*"#, "「$1」の値を指定してください。"),
            (#"^The value '([^']*)' is invalid for '([^']+)'.*"#, "「$2」に「$1」は使えません。"),
            (#"^Value to be set with flag '([^']+)'.*"#, "「$1」に値はつけられません。"),
            (#"^Unexpected argument.*"#, "余分な指定があります。"),
        ]
        for (pattern, template) in rules where message.range(of: pattern, options: .regularExpression) != nil {
            return replace(pattern, in: message, with: template)
        }
        return message.unicodeScalars.contains { $0.value > 0x3000 } ? message : "指定が正しくありません。"
    }

    static func replace(_ pattern: String, in text: String, with template: String) -> String {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return text }
        return re.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}
