import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("その他の活動・連絡調整: the guided activity, its errors in both languages, and status")
struct GuidedActivityTests {
    func guided(_ db: AppDatabase, _ script: ScriptedTerminal, _ language: Language = .japanese) -> GuidedActivity {
        GuidedActivity(database: db, terminal: script.terminal, language: language, today: today)
    }

    @Test("a category, then Enter for today, a count of 1 and no note: saved and said in words")
    func routine() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        let script = ScriptedTerminal(["7", "", "", "", ""])  // 区分 連絡調整, date, count, note, 保存しますか
        let activity = try #require(try guided(db, script).record())
        #expect(script.answers.isEmpty)
        #expect(activity.category == .liaison && activity.date == today && activity.count == 1 && activity.note == nil)
        #expect(activity.district == "nishi" && activity.visitorId == "M-001")
        #expect(try db.activities().map(\.activity) == [activity])
        #expect(script.shown.contains("記録しました: 6月30日(月) 連絡調整 1 件"))
        #expect(script.shown.contains(" 2 活動日"), "the summary names the activity's date 活動日: \(script.shown)")
        #expect(!script.shown.contains("訪問日"))
    }

    @Test("bad answers are named by the activity's own field and asked again; a line is corrected by its number")
    func badAnswersAndCorrection() throws {
        let db = try makeDatabase(visitor: "M-001", role: "shunin_jido_iin")
        let script = ScriptedTerminal([
            "9", "5",                 // no 9th category; 証明事務
            "2026-01-01", "06-03",    // a future date; 2025-06-03
            "0", "100", "3",          // counts out of range; 3
            "民生委員証明 3 通",
            "3", "2",                 // correct line 3 (件数) to 2
            "",
        ])
        let activity = try #require(try guided(db, script).record())
        #expect(activity.category == "certification" && activity.count == 2 && activity.note == "民生委員証明 3 通")
        #expect(activity.date == LocalDate(year: 2025, month: 6, day: 3))
        #expect(script.shown.contains("活動の区分: 「9」は選べません。1 から 7 の番号を入れてください。"))
        #expect(script.shown.contains("活動日: 2026年1月1日"))
        #expect(script.shown.contains("件数: 「0」は使えません。1 から 99 の整数を入れてください。"))
        #expect(script.shown.contains("件数: 「100」は使えません。"))
        #expect(try db.activities().count == 1)
    }

    @Test("end of input at any question, or 0 at 保存しますか, writes nothing")
    func nothingWritten() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        let before = try dump(db)
        for answers in [[], ["1"], ["1", ""], ["1", "", "2"], ["1", "", "2", "メモ"], ["1", "", "2", "メモ", "0"]] {
            let script = ScriptedTerminal(answers)
            #expect(try guided(db, script).record() == nil)
            #expect(script.shown.contains("記録しませんでした"))
        }
        #expect(try dump(db) == before)
    }

    @Test("a laptop set up without a district asks for the activity's district")
    func asksDistrict() throws {
        let db = try AppDatabase.inMemory()
        try db.initReplica(visitorId: "M-9", name: "民生", role: .minseiIin)
        let script = ScriptedTerminal(["1", "", "", "", "", "kyomachi", ""])  // district: Enter is refused, then kyomachi
        let activity = try #require(try guided(db, script).record())
        #expect(activity.district == "kyomachi")
        #expect(script.shown.contains("活動した校区: 「」は使えません。"))
    }

    @Test("under ja_JP every activity error names the activity's field: 活動日, not 訪問日; in English too")
    func errorsNameTheActivitysFields() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        var failure: ValidationFailure?
        do {
            try db.logActivity(ActivityFields(category: "meeting", date: LocalDate("2025-07-01")!, count: 0, note: String(repeating: "あ", count: 4001)),
                               today: today)
        } catch let f as ValidationFailure { failure = f }
        let refused = try #require(failure)
        #expect(refused.document == .activity)
        let japanese = MimamoriCommand.localizedMessage(for: refused, language: .japanese)
        #expect(japanese.contains("活動記録を保存しませんでした:"))
        #expect(japanese.contains("・活動日（date）: 「2025-07-01」 は使えません。使えるもの: 2000年1月1日から今日までの日付"))
        #expect(japanese.contains("・活動の区分（activity-category）: 「meeting」 は使えません。"))
        #expect(japanese.contains("・件数（count）: 「0」 は使えません。使えるもの: 1〜99 の整数"))
        #expect(japanese.contains("・メモ（note）: "))
        #expect(!japanese.contains("訪問"), "\(japanese)")
        let english = MimamoriCommand.localizedMessage(for: refused, language: .english)
        #expect(english.contains("the activity was not saved:"))
        #expect(english.contains("date: '2025-07-01' is not accepted; accepted: a date from 2000-01-01 to today (2025-06-30); an activity cannot be in the future"))
        #expect(!english.lowercased().contains("visit"), "\(english)")

        // The id, the visitor and the district of an activity arriving broken are named as the activity's.
        let broken = Activity(id: "a b", category: "survey", date: today, district: " ", visitorId: "", visitorRole: .minseiIin)
        let text = JapaneseStrings().validationFailure(ValidationFailure(broken.problems(today: today), document: .activity))
        #expect(text.contains("・活動記録の ID（id）") && text.contains("・活動した校区（district）") && text.contains("・記録した委員の ID（visitor-id）"))
        #expect(!text.contains("訪問"), "\(text)")

        // No district anywhere: the Japanese message says where to give one, and names the other problems too.
        let bare = try AppDatabase.inMemory()
        try bare.initReplica(visitorId: "M-9", name: "民生", role: .minseiIin)
        #expect {
            try bare.logActivity(ActivityFields(category: "survey", date: LocalDate("2025-07-01")!, note: "a\u{1}b"), today: today)
        } throws: { error in
            let text = MimamoriCommand.localizedMessage(for: error, language: .japanese)
            return text.contains("・活動した校区（district）: （空） は使えません。使えるもの: --district で指定する校区名")
                && text.contains("・活動日（date）: 「2025-07-01」") && text.contains("・メモ（note）: ")
                && text.contains("使えるもの: 改行とタブのほかに制御文字を含まない文")
        }
        // A visit's date is still 訪問日.
        let visitFailure = ValidationFailure([ValidationProblem(field: "date", value: "2031-01-01", accepted: "")], document: .visit)
        #expect(JapaneseStrings().validationFailure(visitFailure).contains("・訪問日（date）"))
    }

    @Test("status counts this month's own visits and activities, and the unsent ones of each, in text and --json")
    func status() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .minseiWatch, date: LocalDate("2025-05-20")!), today: today)
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .minseiWatch, date: LocalDate("2025-06-02")!), today: today)
        try db.logActivity(ActivityFields(category: "survey", date: LocalDate("2025-06-01")!, count: 4), today: today)
        try db.logActivity(ActivityFields(category: "liaison"), today: today)
        try db.logActivity(ActivityFields(category: "certification", date: LocalDate("2025-05-31")!), today: today)
        let gone = try db.logActivity(ActivityFields(category: "survey"), today: today)
        try db.deleteActivity(id: gone.id)
        let s = try db.status(today: today)
        #expect(s.month == "2025-06")
        #expect(s.visits == 2 && s.visitsThisMonth == 1)
        #expect(s.activities == 3 && s.activitiesThisMonth == 2, "a deleted activity is not counted")
        #expect(s.pendingChanges == 1 + 2 + 5 && s.pendingVisits == 2 && s.pendingActivities == 5)
        let json = String(decoding: try MimamoriJSON.encode(s), as: UTF8.self)
        #expect(json.contains("\"activitiesThisMonth\":2") && json.contains("\"pendingActivities\":5") && json.contains("\"visitsThisMonth\":1"))
        let japanese = JapaneseStrings().statusLines(s)
        #expect(japanese.contains("今月（2025年6月）に記録した訪問: 1 件　その他の活動・連絡調整: 2 件"))
        #expect(japanese.contains("まだ送っていない変更: 8 件（訪問 2 件・その他の活動・連絡調整 5 件を含む）"))
        // With --wareki the month is written in the era calendar too, like every other date on screen.
        #expect(JapaneseStrings(wareki: true).statusLines(s).contains("今月（令和7年6月）に記録した訪問: 1 件　その他の活動・連絡調整: 2 件"))
        #expect(EnglishStrings().statusLines(s).contains("this month (2025-06), your visits: 1  activities: 2"))
        #expect(EnglishStrings().statusLines(s).contains("pending changes: 8 (of which visits 2, activities 5)"))

        // A ふれあいの会 member keeps no activity record: the lines do not mention activities.
        let member = try makeDatabase()
        let lines = JapaneseStrings().statusLines(try member.status(today: today))
        #expect(lines.contains("今月（2025年6月）に記録した訪問: 0 件"))
        #expect(!lines.joined().contains("活動"))
    }

    @Test("correcting an activity: a line changed and the note taken away (0) are saved as such; looking saves nothing")
    func correct() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        let recorded = try db.logActivity(ActivityFields(category: "certification", count: 3, note: "民生委員証明 3 通"), today: today)
        let script = ScriptedTerminal(["3", "2", "4", "0", ""])  // 件数 → 2, メモ → なし, 保存
        let edited = try #require(try guided(db, script).correct(recorded))
        #expect(edited.id == recorded.id && edited.count == 2 && edited.note == nil && edited.category == "certification")
        #expect(try db.activities().map(\.activity) == [edited])
        #expect(script.shown.contains("直しました: 6月30日(月) 証明事務 2 件"), "\(script.shown)")
        #expect(!script.shown.contains("活動の地区"), "the district is the recorded one, not a line to correct")
        let before = try dump(db)
        #expect(try guided(db, ScriptedTerminal([""])).correct(edited) == nil)
        #expect(try dump(db) == before)
    }

    @Test("the menu offers the activity entry, as 7 below 終わる, only to 民生委員 and 主任児童委員")
    func menuEntry() {
        #expect(MainMenu.items(for: .minseiIin).map(\.rawValue) == [1, 2, 3, 4, 5, 6, 7])
        #expect(MainMenu.items(for: "shunin_jido_iin").last == .recordActivity)
        for role in VisitorRole.known where !VisitorRole.minseiRecordRoles.contains(role) {
            #expect(MainMenu.items(for: role).map(\.rawValue) == [1, 2, 3, 4, 5, 6], "\(role)")
        }
    }
}
