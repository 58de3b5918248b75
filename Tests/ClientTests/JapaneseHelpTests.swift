import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

private let binary = mimamoriBinary

/// Help under a Japanese locale, read from the real binary as a visitor would see it.
@Suite("Help and messages in the locale's language")
struct JapaneseHelpTests {
    static let commands: [[String]] = [
        [], ["init"], ["subject"], ["subject", "add"], ["subject", "list"], ["subject", "show"], ["subject", "edit"],
        ["subject", "deactivate"], ["visit"], ["visit", "log"], ["visit", "edit"], ["visit", "delete"], ["visit", "list"],
        ["visit", "show"], ["due"], ["totals"], ["status"], ["login"], ["sync"], ["conflicts"], ["conflicts", "list"],
        ["conflicts", "show"], ["conflicts", "resolve"], ["lock"], ["activity"], ["activity", "log"], ["activity", "edit"],
        ["activity", "delete"], ["activity", "list"], ["activity", "show"],
    ]

    func run(_ arguments: [String], language: String) throws -> (status: Int32, output: String) {
        try runMimamori(arguments, environment: ["LANG": language, "PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(),
                                                 "MIMAMORI_HOME": temporaryDirectory().path])
    }

    /// English words left once what is not prose is taken out: option names, value names, code ids, commands
    /// and examples, URLs, and the few ASCII terms Japanese uses as they are.
    static func englishWords(_ text: String) -> [String] {
        let codeIds = Set([VisitKind.knownIDs, ContactMethod.knownIDs, VisitorRole.knownIDs, Outcome.knownIDs, VisitAction.knownIDs,
                           NichijiService.knownIDs, Concern.knownIDs, SharingVenue.knownIDs, ReferralDestination.knownIDs,
                           PlanEvent.knownIDs, SubjectCategory.knownIDs, ConsultationField.knownIDs, ConsultationTopic.knownIDs,
                           ActivityCategory.knownIDs,
                           // what --clear accepts, named as the options are (the tokens split them at "-")
                           ClearableVisitField.allCases.flatMap { $0.rawValue.split(separator: "-").map(String.init) }].joined())
        // ASCII terms Japanese prose uses as they are, and the district id of the examples (wrapped onto its own line).
        let allowed: Set<String> = ["ID", "URL", "JSON", "HTTP", "HH", "MM", "YYYY", "DD", "DV", "mimamori", "nishi"]
        var words: [String] = []
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("例:") || line.hasPrefix("  mimamori ") || line.hasPrefix("使い方:") { continue }
            // A subcommand's name starts its line in the サブコマンド section.
            var prose = line.replacingOccurrences(of: #"^  [a-z-]+(?= {2,})"#, with: " ", options: .regularExpression)
            for pattern in [#"https?://\S+"#, #"docs/\S+"#, #"mimamori(-server)?( [A-Za-z0-9_./:…-]+)*"#, #"--?[A-Za-z][A-Za-z-]*"#,
                            #"<[^>]*>"#] {
                prose = prose.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            let tokens = prose.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) }).map(String.init)
            words += tokens.filter { t in
                t.contains { $0.isLetter } && !codeIds.contains(t) && !allowed.contains(t) && !t.hasPrefix("MIMAMORI_") && !t.allSatisfy({ $0.isNumber || $0 == "_" })
                    && !(t.count == 1)
            }
        }
        return words
    }

    @Test("under ja_JP every command's help is Japanese: overview, sections and every option", arguments: commands)
    func japaneseHelp(_ command: [String]) throws {
        let (status, help) = try run(command + ["--help"], language: "ja_JP.UTF-8")
        #expect(status == 0)
        #expect(help.hasPrefix("概要: "), "\(help)")
        #expect(help.contains("使い方: "))
        #expect(help.contains("この説明を表示します。"))
        for english in ["OVERVIEW", "USAGE", "OPTIONS", "ARGUMENTS", "SUBCOMMANDS", "Show help", "Example", "See '"] {
            #expect(!help.contains(english), "\(command): \(english)")
        }
        #expect(Self.englishWords(help) == [], "\(command): \(help)")
    }

    @Test("under any other locale help stays English", arguments: [["visit", "log"], []])
    func englishHelp(_ command: [String]) throws {
        let (_, help) = try run(command + ["--help"], language: "C.UTF-8")
        #expect(help.hasPrefix("OVERVIEW: "))
        #expect(help.contains("Example"))
        for japanese in ["概要", "使い方", "オプション", "この説明を表示します", "例:"] { #expect(!help.contains(japanese)) }
    }

    @Test("`mimamori` with no arguments and no terminal prints help, in the locale's language")
    func noTerminal() throws {
        let (status, text) = try run([], language: "ja_JP.UTF-8")
        #expect(status == 0)
        #expect(text.hasPrefix("概要: "))
    }

    @Test("errors under ja_JP are Japanese and name the field: ArgumentParser's, validation's and the store's", arguments: [
        (["visit", "log", "--bogus"], "「--bogus」というオプションはありません。"),
        (["visit", "list", "--month", "2025-13"], "--month: 「2025-13」は月として読めません。"),
        (["visit", "edit"], "訪問記録の ID か --last のどちらか一つを指定してください。"),
        (["status"], "記録用のデータベースがありません"),
        (["init", "--visitor-id", "V-1", "--name", "山田", "--role", "boss"], "--role: 「boss」は使えません。次のどれかを指定してください: fureai_member（ふれあいの会 会員）"),
        (["activity", "list", "--category", "meeting"], "--category: 「meeting」は使えません。次のどれかを指定してください: survey（調査・実態把握）"),
        (["activity", "log", "--category", "survey", "--date", "2025-02-30"], "--date: 「2025-02-30」は日付として読めません。"),
        (["activity", "log", "--category", "survey", "--count", "three"], "--count"),
    ])
    func japaneseErrors(_ arguments: [String], expected: String) throws {
        let (status, text) = try run(arguments, language: "ja_JP.UTF-8")
        #expect(status != 0)
        #expect(text.hasPrefix("エラー: "), "\(text)")
        #expect(text.contains(expected), "\(text)")
        #expect(!text.contains("Error") && !text.contains("Usage") && !text.contains("See '"))
    }

    @Test("a record refused by validation is explained in Japanese, field by field")
    func validationFailureInJapanese() {
        let text = JapaneseStrings().validationFailure([
            ValidationProblem(field: "date", value: "2031-01-01", accepted: "a date from 2000-01-01 to today (2026-11-24)"),
            ValidationProblem(field: "kind", value: "x", accepted: "one of fureai_watch, minsei_watch"),
        ])
        #expect(text == """
            保存しませんでした:
              ・訪問日（date）: 「2031-01-01」 は使えません。使えるもの: 2000年1月1日から今日までの日付
              ・種類（kind）: 「x」 は使えません。使えるもの: 次のどれか: fureai_watch（ふれあいの会による見守り訪問）、minsei_watch（民生委員・児童委員による訪問・見守り）、kyoryokuin_watch（民生委員協力員による見守り・訪問同行）、outreach（アウトリーチ等を通じた継続的支援事業の訪問）、nichiji_checkin（日常生活自立支援事業の定期訪問）
            """)
    }
}
