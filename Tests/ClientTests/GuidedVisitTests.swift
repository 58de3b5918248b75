import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

/// A terminal that answers from a script and keeps everything shown.
final class ScriptedTerminal {
    var answers: [String]
    var shown = ""
    init(_ answers: [String]) { self.answers = answers }
    var terminal: Terminal {
        Terminal(readLine: { [self] in
            guard !answers.isEmpty else { return nil }
            let a = answers.removeFirst()
            shown += a + "\n"
            return a
        }, write: { [self] in shown += $0 })
    }
}

@Suite("The guided record, with a scripted terminal")
struct GuidedVisitTests {
    func guided(_ db: AppDatabase, _ script: ScriptedTerminal, _ language: Language = .japanese) -> GuidedVisit {
        GuidedVisit(database: db, terminal: script.terminal, language: language, today: today)
    }

    @Test("Enter at every question records the first due subject with the defaults, and says so in words")
    func routine() throws {
        let db = try makeDatabase()
        let script = ScriptedTerminal(["", "", "", "", ""])  // subject, outcome, concerns, note, 保存しますか
        let visit = try #require(try guided(db, script).record())
        #expect(script.answers.isEmpty)
        #expect(visit.subjectId == "S-0001" && visit.kind == .fureaiWatch && visit.outcome == .safetyConfirmed)
        #expect(visit.method == .homeVisit && visit.date == today && visit.concerns.isEmpty && visit.note == nil)
        #expect(visit.actions == ["safety_check"])
        #expect(script.shown.contains("記録しました: 佐藤一郎さん 6月30日(月) ふれあいの会による見守り訪問・安否確認"))
        #expect(script.shown.contains("まだ送っていない記録が 2 件あります"))
        #expect(!script.shown.contains(visit.id))
    }

    @Test("two concerns, urgency, a note and follow-up; then a correction by number before saving")
    func fullAndCorrected() throws {
        let db = try makeDatabase()
        try db.addSubject(id: "S-0002", fields: SubjectFields(name: "鈴木花子", district: "nishi"), today: today)
        let script = ScriptedTerminal([
            "鈴木", "2", "1 3", "1", "4 5", "ポストに新聞がたまっていた", "1", "1", "07-14",
            "5", "1",  // correct line 5 (結果): back to 安否確認
            "",
        ])
        let visit = try #require(try guided(db, script).record())
        #expect(visit.subjectId == "S-0002")
        #expect(visit.outcome == .safetyConfirmed)
        #expect(visit.concerns == ["isolation", "physical_decline"])
        #expect(visit.urgent)
        #expect(visit.actions == ["consultation", "liaison"])
        #expect(visit.note == "ポストに新聞がたまっていた")
        #expect(visit.sharedAt == ["fureai_hanchokai"])
        #expect(visit.referral == "chiiki_hokatsu")
        #expect(visit.nextDue == LocalDate(year: 2025, month: 7, day: 14))
        #expect(try db.visits().count == 1)
    }

    @Test("a 民生委員 who noticed something is asked the consultation's field and topics; a routine visit is not")
    func minseiConsultation() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        // subject, outcome, concerns, urgent, actions, field (1 高齢者), topics (2 介護保険, 10 家族関係), note,
        // shared at, referral, next visit, 保存しますか.
        let script = ScriptedTerminal(["", "", "1", "", "", "1", "2 10", "", "", "", "", ""])
        let visit = try #require(try guided(db, script).record())
        #expect(script.answers.isEmpty)
        #expect(visit.consultationField == .elderly)
        #expect(visit.consultationTopics == ["long_term_care", "family"])
        #expect(script.shown.contains("相談・支援の分野は（活動記録の分野別）。"))
        #expect(script.shown.contains("介護保険・家族関係"), "the summary shows the topics")
        #expect(try db.monthlyActivity(year: 2025, month: 6).byTopic.first { $0.key == "family" }?.count == 1)
        // The routine visit of a 民生委員 stays five answers, without the consultation questions.
        let routine = ScriptedTerminal(["", "", "", "", ""])
        let plain = try #require(try guided(db, routine).record())
        #expect(routine.answers.isEmpty && plain.consultationField == nil)
        #expect(!routine.shown.contains("相談・支援の分野は"))
    }

    @Test("a visitor who keeps no activity record is never asked, and the summary has no consultation lines")
    func noConsultationForOthers() throws {
        let db = try makeDatabase()
        let script = ScriptedTerminal(["", "", "1", "", "", "", "", "", "", "13", "0"])
        _ = try guided(db, script).record()
        #expect(!script.shown.contains("相談・支援"))
        #expect(script.shown.contains("「13」は選べません。保存はそのままエンターキー、直すときは 1 から 12 の番号"))
    }

    @Test("a bad answer names the field and what is accepted, and the question is asked again")
    func badAnswers() throws {
        let db = try makeDatabase()
        let script = ScriptedTerminal(["山田", "", "9", "", "1 99", "", "", "2", "13-45", "2025-07-01", "", "x", ""])
        _ = try guided(db, script).record()
        #expect(script.shown.contains("訪問先: 「山田」に当てはまる方がいません"))
        #expect(script.shown.contains("結果: 「9」は選べません。1 から 3 の番号を入れてください。"))
        #expect(script.shown.contains("気づき: 「1 99」は選べません。1 から 17 の番号"))
        #expect(script.shown.contains("訪問日: 「13-45」は日付として読めません。"))
        #expect(script.shown.contains("訪問日: 2025年7月1日(火) は選べません。2000年1月1日(土) から 2025年6月30日(月) までの日付"))
        #expect(script.shown.contains("「x」は選べません。保存はそのままエンターキー"))
        #expect(try db.visits().count == 1)
    }

    @Test("input ending at any question writes nothing", arguments: 0..<5)
    func endOfInput(answered: Int) throws {
        let db = try makeDatabase()
        let before = try dump(db)
        let script = ScriptedTerminal(Array(repeating: "", count: answered))
        #expect(try guided(db, script).record() == nil)
        #expect(script.shown.contains("記録しませんでした"))
        #expect(try dump(db) == before)
    }

    @Test("correcting the last record changes only the line chosen")
    func correctLast() throws {
        let db = try makeDatabase()
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, note: "前回"), today: today)
        let last = try #require(try db.lastOwnVisit())
        try db.addSubject(id: "S-0002", fields: SubjectFields(name: "鈴木花子", district: "higashi"), today: today)
        let script = ScriptedTerminal(["9", "玄関先で話した", "1", "鈴木", ""])
        let edited = try #require(try guided(db, script).correct(last))
        #expect(edited.id == last.id && edited.note == "玄関先で話した" && edited.kind == last.kind)
        #expect(edited.subjectId == "S-0002" && edited.district == "higashi")
        #expect(script.shown.contains("直しました: 鈴木花子さん"))
        // looking without changing saves nothing
        let before = try dump(db)
        #expect(try guided(db, ScriptedTerminal([""])).correct(edited) == nil)
        #expect(try dump(db) == before)
    }

    @Test("correcting a record to なし takes the note and the next visit away, not only on the screen")
    func correctToNone() throws {
        let db = try makeDatabase()
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, nextDue: LocalDate(year: 2025, month: 7, day: 14),
                                    note: "鍵の置き場所を聞いた"), today: today)
        let last = try #require(try db.lastOwnVisit())
        let script = ScriptedTerminal(["9", "0", "12", "0", ""])  // メモ → なし, 次回予定 → なし, 保存
        let edited = try #require(try guided(db, script).correct(last))
        #expect(edited.note == nil && edited.nextDue == nil)
        let stored = try #require(try db.lastOwnVisit())
        #expect(stored.note == nil && stored.nextDue == nil && stored.outcome == last.outcome, "\(stored)")
    }

    @Test("the last record is this visitor's latest, not a newer one pulled from another visitor")
    func lastOwnIgnoresOthers() throws {
        let db = try makeDatabase()
        let mine = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        let other = DocumentID.make()
        var theirs = mine
        theirs.id = DocumentID.make()
        theirs.visitorId = "V-002"
        theirs.kind = .minseiWatch
        let version = Version(payload: .visit(theirs), vector: VersionVector([other: 1]), dot: Dot(replica: other, counter: 1),
                              author: "V-002", writtenAt: Timestamp(milliseconds: 1_750_000_000_000))
        _ = try db.applyPulledPage(ChangesResponse(epoch: "e1", changes: [
            DocumentChange(sequence: 1, documentId: theirs.id, type: .visit, versions: [version]),
        ], nextSince: 1, hasMore: false))
        #expect(try db.visits().count == 2)
        #expect(try db.lastOwnVisit()?.id == mine.id)
        #expect(try db.ownVisits().map(\.id) == [mine.id])
        #expect(try db.defaultKind() == .fureaiWatch)
    }

    @Test("the kind defaults to the last one used, else the visitor's role")
    func defaultKind() throws {
        let db = try makeDatabase(role: .minseiIin)
        #expect(try db.defaultKind() == .minseiWatch)
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .outreach), today: today)
        #expect(try db.defaultKind() == .outreach)
        let staff = try makeDatabase(role: "coordinator")
        #expect(try staff.defaultKind() == nil)
    }

    @Test("with 和暦 asked for, the summary dates are 令和")
    func warekiSummary() throws {
        let db = try makeDatabase()
        let script = ScriptedTerminal(["", "", "", "", "0"])
        let guided = GuidedVisit(database: db, terminal: script.terminal, language: .japanese, today: today, wareki: true)
        #expect(try guided.record() == nil)
        #expect(script.shown.contains("訪問日      令和7年6月30日(月)"))
        #expect(ClientConfiguration.resolve(dataDir: "/d", environment: ["MIMAMORI_WAREKI": "1"], interactive: false).wareki)
        #expect(ClientConfiguration.resolve(dataDir: "/d", wareki: true, environment: [:], interactive: false).wareki)
        #expect(!ClientConfiguration.resolve(dataDir: "/d", environment: [:], interactive: false).wareki)
    }

    @Test("dates read as 2026年11月24日(火), in 和暦 when asked, and MM-DD answers land on the right year")
    func dates() {
        let d = LocalDate(year: 2026, month: 11, day: 24)!
        #expect(DateText.long(d, .japanese) == "2026年11月24日(火)")
        #expect(DateText.long(d, .japanese, wareki: true) == "令和8年11月24日(火)")
        #expect(DateText.short(d, .japanese) == "11月24日(火)")
        #expect(DateText.long(d, .english) == "Tue 24 Nov 2026")
        #expect(GuidedVisit.parseDate("01-05", reference: d, future: true) == LocalDate(year: 2027, month: 1, day: 5))
        #expect(GuidedVisit.parseDate("12/01", reference: d, future: false) == LocalDate(year: 2025, month: 12, day: 1))
        #expect(GuidedVisit.parseDate("2026年12月8日", reference: d, future: true) == LocalDate(year: 2026, month: 12, day: 8))
        #expect(Terminal.normalize("　１　３ ") == "1 3")
    }
}
