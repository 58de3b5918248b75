import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

/// The `mimamori` binary built beside this test bundle.
private let binary = mimamoriBinary

/// `mimamori` run on a real pseudo-terminal, as a visitor's laptop runs it: the test types keys into the
/// master side and reads the screen from it. `setsid --ctty` makes the terminal the process's controlling
/// terminal, so Ctrl-C is a real SIGINT from the line discipline, not a signal the test sends.
final class PseudoTerminalSession: @unchecked Sendable {
    let master: Int32
    let process = Process()
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private(set) var keypresses = 0

    init(arguments: [String], environment: [String: String]) throws {
        // openpty(3) is in glibc (libutil before 2.34) but not in Swift's Glibc module: look it up by name.
        typealias OpenPTY = @convention(c) (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>,
                                            UnsafeMutablePointer<CChar>?, UnsafeRawPointer?, UnsafeRawPointer?) -> Int32
        guard let symbol = dlsym(nil, "openpty") ?? dlsym(dlopen("libutil.so.1", RTLD_NOW), "openpty") else {
            throw POSIXError(.ENOSYS)
        }
        var masterFD: Int32 = -1, slave: Int32 = -1
        guard unsafeBitCast(symbol, to: OpenPTY.self)(&masterFD, &slave, nil, nil, nil) == 0 else { throw POSIXError(.ENODEV) }
        master = masterFD
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["--ctty", "--wait", binary.path] + arguments
        process.environment = environment
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        close(slave)
        let fd = master
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                lock.withLock { bytes += buffer[0..<n] }
            }
        }
    }

    deinit { close(master) }

    /// Everything the terminal showed so far (the kernel echoes what was typed).
    var screen: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }

    /// Types text (each character one keypress) and, when `enter`, the Enter key.
    func type(_ text: String, enter: Bool = true) {
        keypresses += text.count + (enter ? 1 : 0)
        let data = Array((text + (enter ? "\r" : "")).utf8)
        _ = data.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    func press(_ control: UInt8) {
        keypresses += 1
        var byte = control
        _ = write(master, &byte, 1)
    }

    /// Waits until the screen shows `text` `count` times; false after the timeout.
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, timeout: Duration = .seconds(20)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if screen.components(separatedBy: text).count - 1 >= count { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    func waitForExit(timeout: Duration = .seconds(20)) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

@Suite("The menu and the guided record on a real terminal, in Japanese", .serialized)
struct TerminalSessionTests {
    static let menuPrompt = "番号を入れてエンターキーを押してください"
    static let saved = "記録しました: "

    static let passphrase = "ひまわり畑で待ち合わせ"

    /// A data folder with a visitor and three subjects, one visited on 2026-11-01 (so overdue), sealed with
    /// `passphrase`, whose key is already kept for the session (`run/` is the session's `XDG_RUNTIME_DIR`).
    func makeFolder(role: VisitorRole = .fureaiMember) throws -> (URL, AppDatabase) {
        let dir = temporaryDirectory()
        let db = try AppDatabase.open(directory: dir, create: true)
        try db.initReplica(visitorId: "V-001", name: "山田花子", role: role, district: "nishi")
        try db.encrypt(passphrase: Self.passphrase, parameters: .testing)
        let runtime = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        KeyCache(directory: runtime.appendingPathComponent("mimamori"), place: .runtimeDirectory)
            .store(try #require(db.keyring.key), keyId: try #require(try db.vault()).keyId)
        let day = LocalDate(year: 2026, month: 11, day: 1)!
        try db.addSubject(id: "S-0001", fields: SubjectFields(name: "佐藤一郎", district: "nishi", cadenceDays: 14), today: day)
        try db.addSubject(id: "S-0002", fields: SubjectFields(name: "鈴木花子", district: "nishi", cadenceDays: 7), today: day)
        try db.addSubject(id: "S-0003", fields: SubjectFields(name: "田中次郎", district: "nishi"), today: day)
        try db.logVisit(VisitFields(subjectId: "S-0002", kind: .fureaiWatch, date: day), today: day)
        return (dir, db)
    }

    func start(_ dir: URL, _ arguments: [String] = [], language: String = "ja_JP.UTF-8") throws -> PseudoTerminalSession {
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the mimamori product first (swift build)")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid"), "util-linux's setsid is needed")
        return try PseudoTerminalSession(arguments: arguments, environment: [
            "LANG": language, "MIMAMORI_HOME": dir.path, "HOME": dir.path, "PATH": "/usr/bin:/bin", "TERM": "xterm",
            "XDG_RUNTIME_DIR": dir.appendingPathComponent("run").path,
        ])
    }

    /// Waits for each prompt in turn (the n-th time a prompt is listed, its n-th showing) and types its answer.
    func answer(_ session: PseudoTerminalSession, _ steps: [(wait: String, answer: String)]) {
        var seen: [String: Int] = [:]
        for step in steps {
            seen[step.wait, default: 0] += 1
            #expect(session.waitFor(step.wait, count: seen[step.wait]!), "waiting for \(step.wait)")
            session.type(step.answer)
        }
    }

    /// ASCII words on the screen that are not ids (S-0001), numbers or the accepted term DV.
    static func englishWords(_ screen: String) -> [String] {
        let tokens = screen.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_")) })
        return tokens.map(String.init).filter { token in
            token.contains { $0.isLetter } && !token.contains { $0.isNumber } && token.count >= 2 && token != "DV"
        }
    }

    @Test("a routine visit from the menu: the first due subject, every default, in at most 6 keypresses")
    func routineVisit() throws {
        let (dir, db) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = try start(dir)
        #expect(session.waitFor(Self.menuPrompt))
        // Enter at each prompt until the visit is saved.
        var prompts = 1
        while !session.screen.contains(Self.saved), session.keypresses < 10 {
            session.type("")
            prompts += 1
            #expect(session.waitFor("]: ", count: prompts) || session.screen.contains(Self.saved))
        }
        #expect(session.waitFor(Self.saved))
        #expect(session.keypresses <= 6, "a routine visit took \(session.keypresses) keypresses")
        #expect(!session.screen.contains("その他の活動"), "a ふれあいの会 member keeps no activity record")
        #expect(session.screen.contains("記録しました: 佐藤一郎さん"))
        #expect(session.screen.contains("ふれあいの会による見守り訪問・安否確認"))
        #expect(session.waitFor(Self.menuPrompt, count: 2))
        session.type("6")
        #expect(session.waitForExit() == 0)
        #expect(Self.englishWords(session.screen) == [], "English on a Japanese screen: \(Self.englishWords(session.screen))")
        let visits = try db.visits(VisitFilter(subjectId: "S-0001")).map(\.visit)
        #expect(visits.count == 1)
        #expect(visits.first?.outcome == .safetyConfirmed)
    }

    @Test("a full visit with two concerns and a Japanese note, corrected by number before saving")
    func fullVisitWithCorrection() throws {
        let (dir, db) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = try start(dir)
        answer(session, [
            (Self.menuPrompt, "1"),
            ("お名前の一部", "鈴木"),
            ("どうでしたか", "2"),
            ("気づいたことはありますか", "1 3"),
            ("急いで対応が必要ですか", ""),
            ("何をしましたか", "2"),
            ("メモ", "ポストに新聞がたまっていた"),
            ("どこで共有しますか", "1"),
            ("どこかにつなぎましたか", ""),
            ("次に訪問する日", "12-08"),
            ("保存しますか", "5"),           // correct line 5, 結果
            ("どうでしたか", "1"),
        ])
        #expect(session.waitFor("保存しますか", count: 2))
        session.type("")
        #expect(session.waitFor(Self.saved))
        #expect(session.screen.contains("記録しました: 鈴木花子さん \(DateText.short(.today(), .japanese))"), "\(session.screen)")
        session.type("6")
        #expect(session.waitForExit() == 0)
        #expect(Self.englishWords(session.screen) == [], "English on a Japanese screen: \(Self.englishWords(session.screen))")
        let visit = try #require(try db.visits(VisitFilter(subjectId: "S-0002")).map(\.visit).first { $0.note != nil })
        #expect(visit.outcome == .safetyConfirmed)
        #expect(visit.concerns == ["isolation", "physical_decline"])
        #expect(visit.actions == ["companionship"])
        #expect(visit.note == "ポストに新聞がたまっていた")
        #expect(visit.sharedAt == ["fureai_hanchokai"])
        #expect(visit.nextDue?.month == 12 && visit.nextDue?.day == 8)
    }

    @Test("a 民生委員 records an activity from the menu (7), corrects the count by number, and status counts it")
    func activityFromTheMenu() throws {
        let (dir, db) = try makeFolder(role: .minseiIin)
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = try start(dir)
        #expect(session.waitFor("   6 終わる\r\n   7 その他の活動・連絡調整を記録する"), "\(session.screen)")
        answer(session, [
            (Self.menuPrompt, "7"),
            ("どの活動ですか", "5"),           // 証明事務
            ("活動した日", ""),                // today
            ("件数（", "3"),
            ("メモ", "民生委員証明書を発行"),
            ("保存しますか", "3"),             // correct line 3, 件数
            ("件数（", "2"),
        ])
        #expect(session.waitFor("保存しますか", count: 2))
        session.type("")
        #expect(session.waitFor("記録しました: \(DateText.short(.today(), .japanese)) 証明事務 2 件"), "\(session.screen)")
        #expect(session.waitFor(Self.menuPrompt, count: 2))
        // Up to here every word is Japanese (status then shows the data file's path and command names).
        let recorded = session.screen
        session.type("5")
        // Held, and this month's (the folder's one visit is of 2026-11-01): one activity each; one unsent of each.
        #expect(session.waitFor("その他の活動・連絡調整: 1 件", count: 2), "\(session.screen)")
        #expect(session.waitFor("（訪問 1 件・その他の活動・連絡調整 1 件を含む）"))
        answer(session, [("メニューに戻ります", "")])
        #expect(session.waitFor(Self.menuPrompt, count: 3))
        session.type("6")
        #expect(session.waitForExit() == 0)
        #expect(Self.englishWords(recorded) == [], "English on a Japanese screen: \(Self.englishWords(recorded))")
        #expect(!session.screen.contains("訪問日"))
        let activities = try db.activities().map(\.activity)
        #expect(activities.count == 1)
        let activity = try #require(activities.first)
        #expect(activity.category == "certification" && activity.count == 2 && activity.date == .today())
        #expect(activity.note == "民生委員証明書を発行" && activity.district == "nishi" && activity.visitorId == "V-001")
    }

    @Test("a 民生委員 finds their activity among their records (3), takes its note away, and it is gone from the record")
    func activityCorrectedFromTheMenu() throws {
        let (dir, db) = try makeFolder(role: .minseiIin)
        defer { try? FileManager.default.removeItem(at: dir) }
        try db.logActivity(ActivityFields(category: "certification", count: 2, note: "民生委員証明書を発行"))
        let session = try start(dir)
        answer(session, [(Self.menuPrompt, "3")])
        // Newest first: the activity, then the folder's visit.
        #expect(session.waitFor("   1 \(DateText.short(.today(), .japanese)) 証明事務 2 件\r\n   2 鈴木花子さん"), "\(session.screen)")
        answer(session, [("どの記録ですか", ""), ("直すときは項目の番号", "4"), ("消すときは 0）", "0"), ("直した内容を保存しますか", "")])
        #expect(session.waitFor("直しました: \(DateText.short(.today(), .japanese)) 証明事務 2 件"), "\(session.screen)")
        #expect(session.waitFor(Self.menuPrompt, count: 2))
        session.type("6")
        #expect(session.waitForExit() == 0)
        #expect(Self.englishWords(session.screen) == [], "English on a Japanese screen: \(Self.englishWords(session.screen))")
        let activity = try #require(try db.activities().map(\.activity).first)
        #expect(activity.note == nil && activity.count == 2 && activity.category == "certification")
    }

    @Test("Ctrl-C in the middle of a guided activity leaves the database exactly as it was")
    func activityInterrupted() throws {
        let (dir, db) = try makeFolder(role: .minseiIin)
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try dump(db)
        let session = try start(dir)
        answer(session, [(Self.menuPrompt, "7"), ("どの活動ですか", "7"), ("活動した日", "")])
        #expect(session.waitFor("件数（"))
        session.type("3", enter: false)
        session.press(0x03)  // Ctrl-C
        #expect(session.waitFor("中止しました。何も保存していません。"))
        #expect(session.waitForExit() == 130)
        #expect(try dump(db) == before)
        #expect(Self.englishWords(session.screen) == [])
    }

    @Test("under an English locale the same routine visit is all English: no kana anywhere (the names are kanji)")
    func englishRoutine() throws {
        let (dir, db) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = try start(dir, language: "C.UTF-8")
        answer(session, [("Type a number and press Enter", ""), ("part of the name", ""), ("How did it go", ""),
                         ("Anything you noticed", ""), ("Note", ""), ("Save?", "")])
        #expect(session.waitFor("Saved: 佐藤一郎, \(DateText.short(.today(), .english)), Fureai-no-kai watch visit: Safety confirmed"))
        #expect(session.keypresses == 6)
        session.type("6")
        #expect(session.waitForExit() == 0)
        #expect(!session.screen.unicodeScalars.contains { (0x3040...0x30FF).contains($0.value) }, "\(session.screen)")
        #expect(try db.visits(VisitFilter(subjectId: "S-0001")).count == 1)
    }

    @Test("Ctrl-C in the middle of a guided record leaves the database exactly as it was")
    func interrupted() throws {
        let (dir, db) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try dump(db)
        let session = try start(dir)
        answer(session, [(Self.menuPrompt, ""), ("お名前の一部", ""), ("どうでしたか", "3")])
        #expect(session.waitFor("気づいたことはありますか"))
        session.type("1", enter: false)
        session.press(0x03)  // Ctrl-C
        #expect(session.waitFor("中止しました。何も保存していません。"))
        #expect(session.waitForExit() == 130)
        #expect(try dump(db) == before)
        #expect(Self.englishWords(session.screen) == [])
    }

    @Test("end of input (Ctrl-D) at a question writes nothing")
    func endOfInput() throws {
        let (dir, db) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try dump(db)
        let session = try start(dir)
        answer(session, [(Self.menuPrompt, ""), ("お名前の一部", "")])
        #expect(session.waitFor("どうでしたか"))
        session.press(0x04)  // Ctrl-D
        #expect(session.waitFor("記録しませんでした"))
        session.press(0x04)
        #expect(session.waitForExit() == 0)
        #expect(try dump(db) == before)
    }

    @Test("correcting the last record: one menu choice, and `visit edit --last`")
    func correctLast() throws {
        let (dir, db) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = try start(dir)
        answer(session, [(Self.menuPrompt, "9"), ("「9」はメニューにありません。1 から 6 の番号を入れてください。", "3"), ("どの記録ですか", ""), ("直すときは項目の番号", "5"), ("どうでしたか", "2"),
                         ("直した内容を保存しますか", "")])
        #expect(session.waitFor("直しました: 鈴木花子さん 11月1日(日) ふれあいの会による見守り訪問・不在"))
        session.type("6")
        #expect(session.waitForExit() == 0)
        #expect(try db.lastOwnVisit()?.outcome == .notAtHome)

        let edit = try start(dir, ["visit", "edit", "--last"])
        answer(edit, [("直すときは項目の番号", "9"), ("メモ（なければ", "郵便受けにメモを残した"), ("直した内容を保存しますか", "")])
        #expect(edit.waitForExit() == 0)
        #expect(try db.lastOwnVisit()?.note == "郵便受けにメモを残した")
        #expect(Self.englishWords(edit.screen) == [])
    }

    @Test("the first run after upgrading asks for a new passphrase twice, seals the v1 database and loses nothing")
    func upgradeAsksOnce() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("run"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(at: MigrationTests.fixtures.appendingPathComponent("v1-laptop.sqlite"),
                                         to: dir.appendingPathComponent(AppDatabase.fileName))
        let before = try V1Observed.of(AppDatabase.open(directory: dir))
        let session = try start(dir)
        #expect(session.waitFor("いまパスフレーズを決めてください"))
        answer(session, [("新しいパスフレーズ（8文字以上。入力した文字は表示されません）: ", Self.passphrase),
                         ("確認のため、もう一度: ", Self.passphrase)])
        #expect(session.waitFor("件の記録をパスフレーズで保護しました。失われた記録はありません。"))
        #expect(session.waitFor(Self.menuPrompt))
        #expect(!session.screen.contains(Self.passphrase))
        session.type("6")
        #expect(session.waitForExit() == 0)

        let db = try AppDatabase.open(directory: dir)
        #expect(try db.isEncrypted)
        #expect(throws: ClientError.locked) { try db.subjects() }
        try db.unlock(passphrase: Self.passphrase)
        #expect(try V1Observed.of(db) == before)
    }

    @Test("locked: the menu asks for the passphrase without echoing it, refuses a wrong one, then not again this session")
    func passphraseOncePerSession() throws {
        let (dir, _) = try makeFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("run/mimamori"))
        let session = try start(dir)
        #expect(session.waitFor("パスフレーズ（入力した文字は表示されません）: "))
        session.type("まちがった合言葉")
        #expect(session.waitFor("パスフレーズが違います。もう一度入力してください。"))
        #expect(session.waitFor("パスフレーズ（入力した文字は表示されません）: ", count: 2))
        session.type(Self.passphrase)
        #expect(session.waitFor(Self.menuPrompt))
        #expect(!session.screen.contains("まちがった合言葉") && !session.screen.contains(Self.passphrase), "the passphrase was echoed")
        session.type("6")
        #expect(session.waitForExit() == 0)
        #expect(Self.englishWords(session.screen) == [])

        let again = try start(dir)
        #expect(again.waitFor(Self.menuPrompt))
        #expect(!again.screen.contains("パスフレーズ"))
        again.type("6")
        #expect(again.waitForExit() == 0)
    }
}
