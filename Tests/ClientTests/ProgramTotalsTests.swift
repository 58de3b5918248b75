import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

/// `mimamori totals`' outreach plans and 日常生活自立支援事業 (issue 9), counted on the laptop by Shared's
/// `ProgramCounting`, the rule the server's dashboard uses.
@Suite("totals: outreach plans and 日常生活自立支援事業")
struct ProgramTotalsTests {
    static let passphrase = "ひまわり畑で待ち合わせ"

    /// An encrypted laptop at `dir` holding a subject and the visits of `logPrograms`.
    static func encryptedLaptopWithPrograms(in dir: URL) throws -> AppDatabase {
        let db = try AppDatabase.open(directory: dir, create: true)
        try db.initReplica(visitorId: "V-001", name: "山田花子", role: .fureaiMember, district: "nishi")
        try db.encrypt(passphrase: passphrase, parameters: .testing)
        try db.addSubject(id: "S-0001", fields: SubjectFields(name: "佐藤一郎", district: "nishi"), today: today)
        try logPrograms(db)
        return db
    }

    /// Outreach visits with plan events and check-ins of three contract holders, one of each in FY2024.
    @discardableResult
    static func logPrograms(_ db: AppDatabase) throws -> (outreach: [String], checkins: [String]) {
        for id in ["S-0002", "S-0003"] {
            try db.addSubject(id: id, fields: SubjectFields(name: "契約者 \(id)", district: "nishi"), today: today)
        }
        let events: [(PlanEvent?, String)] = [(.created, "2025-04-10"), (.created, "2025-05-01"), (.replanned, "2025-05-20"),
                                              (.closed, "2025-06-01"), (nil, "2025-06-02"), (.created, "2025-03-31")]
        let outreach = try events.map { event, date in
            try db.logVisit(VisitFields(subjectId: "S-0001", kind: .outreach, date: LocalDate(date), planEvent: event), today: today).id
        }
        let checkins = try [("S-0002", "2025-04-15"), ("S-0002", "2025-05-15"), ("S-0003", "2025-06-15"), ("S-0001", "2025-03-15")]
            .map { subject, date in
                try db.logVisit(VisitFields(subjectId: subject, kind: .nichijiCheckin, date: LocalDate(date), services: ["money_management"]),
                                today: today).id
            }
        return (outreach, checkins)
    }

    @Test("local totals count plans made, re-plans, closed and check-ins per 年度; edits and deletes change them; equal a recount")
    func localEqualsRecount() throws {
        let db = try makeDatabase()
        let (outreach, checkins) = try Self.logPrograms(db)
        var programs = try #require(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today).programs)
        #expect(programs == ProgramTotals(planEvents: ["created": 2, "replanned": 1, "closed": 1], nichijiCheckins: 3, nichijiHolders: 2))
        #expect(programs.plansCreated == 3 && programs.replans == 1 && programs.plansClosed == 1 && programs.planAnnualTarget == 30)
        #expect(try db.localTotals(fiscalYear: FiscalYear(2024), asOf: today).programs
                == ProgramTotals(planEvents: ["created": 1], nichijiCheckins: 1, nichijiHolders: 1))

        // A plan made becomes one closed; a re-plan is deleted; a plan moves to FY2024; a check-in moves to another holder.
        try db.editVisit(id: outreach[0], VisitFields(planEvent: .closed), today: today)
        try db.deleteVisit(id: outreach[2])
        try db.editVisit(id: outreach[1], VisitFields(date: LocalDate("2025-03-01")), today: today)
        try db.editVisit(id: checkins[2], VisitFields(subjectId: "S-0002"), today: today)
        try db.deleteVisit(id: checkins[3])
        programs = try #require(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today).programs)
        #expect(programs == ProgramTotals(planEvents: ["closed": 2], nichijiCheckins: 3, nichijiHolders: 1))
        #expect(try db.localTotals(fiscalYear: FiscalYear(2024), asOf: today).programs
                == ProgramTotals(planEvents: ["created": 2], nichijiCheckins: 0, nichijiHolders: 0))
        for year in [2024, 2025] {
            #expect(try db.localTotals(fiscalYear: FiscalYear(year), asOf: today).programs == db.recountPrograms(fiscalYear: FiscalYear(year)))
        }
    }

    @Test("visits from before the plan_event column: locked, totals say plans need the passphrase (check-ins still count); unlocked, they are counted and stay counted")
    func backfillNeedsTheKey() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let db = try Self.encryptedLaptopWithPrograms(in: dir)
            // As a database from before version 6 is after its migration: the column empty, the fill pending.
            try db.writer.write { try $0.execute(sql: "UPDATE visit_index SET plan_event = NULL; INSERT INTO plan_events_pending (id) VALUES (1)") }
        }
        let expected = ProgramTotals(planEvents: ["created": 2, "replanned": 1, "closed": 1], nichijiCheckins: 3, nichijiHolders: 2)

        let locked = try AppDatabase.open(directory: dir)
        #expect(!locked.isUnlocked)
        let report = try locked.localTotals(fiscalYear: FiscalYear(2025), asOf: today)
        let programs = try #require(report.programs)
        #expect(programs.plansCreated == nil && programs.replans == nil && programs.plansClosed == nil)
        #expect(programs.nichijiCheckins == 3 && programs.nichijiHolders == 2 && programs.planAnnualTarget == 30)
        let text = TotalsCommand.text(report, language: .japanese, fromServer: false)
        #expect(text.contains("アウトリーチ：プランの件数は、一度パスフレーズを入力すると数えられます（年間目標 30件）"), "\(text)")
        #expect(!text.contains { $0.contains("プラン作成") })
        #expect(try locked.planEventsPending())

        _ = try locked.unlock(passphrase: Self.passphrase)
        #expect(try !locked.planEventsPending())
        #expect(try locked.localTotals(fiscalYear: FiscalYear(2025), asOf: today).programs == expected)
        #expect(try locked.recountPrograms(fiscalYear: FiscalYear(2025)) == expected)

        let again = try AppDatabase.open(directory: dir)
        #expect(!again.isUnlocked)
        #expect(try again.localTotals(fiscalYear: FiscalYear(2025), asOf: today).programs == expected)
    }

    @Test("the totals text: the plan line always (with the target of 30), 日常生活自立支援事業 only when there are check-ins; Japanese and English")
    func text() throws {
        let db = try makeDatabase()
        let empty = try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today, language: .japanese)
        let emptyText = TotalsCommand.text(empty, language: .japanese, fromServer: false)
        #expect(emptyText.contains("アウトリーチ：プラン作成 0件（うち再プラン 0件）／年間目標 30件、終結 0件"), "\(emptyText)")
        #expect(!emptyText.contains { $0.contains("日常生活自立支援事業") })

        try Self.logPrograms(db)
        let ja = TotalsCommand.text(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today, language: .japanese),
                                    language: .japanese, fromServer: false)
        #expect(ja.contains("アウトリーチ：プラン作成 3件（うち再プラン 1件）／年間目標 30件、終結 1件"), "\(ja)")
        #expect(ja.contains("日常生活自立支援事業：定期訪問 3件、契約者 2人"), "\(ja)")
        let en = TotalsCommand.text(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today, language: .english),
                                    language: .english, fromServer: false)
        #expect(en.contains("Outreach: plans made 3 (of which re-plans 1) / annual target 30, closed 1"), "\(en)")
        #expect(en.contains("Daily-life support: check-ins 3, contract holders 2"), "\(en)")
    }

    @Test("`mimamori totals` under LANG=ja_JP.UTF-8 prints the programs in Japanese, and --json carries them")
    func command() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Made and closed before the command opens it.
        _ = try Self.encryptedLaptopWithPrograms(in: dir)
        let environment = ["LANG": "ja_JP.UTF-8", "PATH": "/usr/bin:/bin", "HOME": dir.path, "MIMAMORI_HOME": dir.path]
        let text = try runMimamori(["totals", "--fy", "2025"], environment: environment)
        #expect(text.status == 0)
        #expect(text.output.contains("アウトリーチ：プラン作成 3件（うち再プラン 1件）／年間目標 30件、終結 1件"), "\(text.output)")
        #expect(text.output.contains("日常生活自立支援事業：定期訪問 3件、契約者 2人"), "\(text.output)")
        #expect(!text.output.contains("S-0002") && !text.output.contains("契約者 S"))
        let json = try runMimamori(["totals", "--fy", "2025", "--json"], environment: environment)
        #expect(json.status == 0)
        let report = try MimamoriJSON.decoder().decode(TotalsReport.self, from: Data(json.output.utf8))
        #expect(report.programs == ProgramTotals(planEvents: ["created": 2, "replanned": 1, "closed": 1], nichijiCheckins: 3, nichijiHolders: 2))
    }

    @Test("a report from an older server (no programs) decodes with none, and the text leaves the lines out; an unknown member is ignored")
    func olderAndNewerServers() throws {
        let db = try makeDatabase()
        var report = try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today)
        report.programs = nil
        let older = try MimamoriJSON.encode(report)
        #expect(!String(decoding: older, as: UTF8.self).contains("programs"))
        let decoded = try MimamoriJSON.decoder().decode(TotalsReport.self, from: older)
        #expect(decoded.programs == nil)
        #expect(!TotalsCommand.text(decoded, language: .japanese, fromServer: true).contains { $0.contains("アウトリーチ") })
        var object = try #require(try JSONSerialization.jsonObject(with: older) as? [String: Any])
        object["newerMember"] = ["x": 1]
        let newer = try JSONSerialization.data(withJSONObject: object)
        #expect(try MimamoriJSON.decoder().decode(TotalsReport.self, from: newer) == decoded)
    }
}
