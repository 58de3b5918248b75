import ArgumentParser
import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("mimamori report monthly (民生委員の活動記録)")
struct MonthlyReportTests {
    @Test("the report equals a recount from the documents after random logs, edits and deletes")
    func reportEqualsRecount() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        var rng = SeededRandom(seed: 9)
        let fields: [ConsultationField?] = [nil, .elderly, .disabled, .children, .other]
        let topics = ConsultationTopic.known
        var ids: [String] = []
        var activityIds: [String] = []
        let categories = ActivityCategory.known
        for step in 0..<90 {
            let date = LocalDate(year: 2025, month: [5, 6].randomElement(using: &rng)!, day: Int.random(in: 1...28, using: &rng))!
            let actions: [VisitAction] = ([[], ["liaison"], ["consultation"], ["liaison", "consultation"]] as [[VisitAction]]).randomElement(using: &rng)!
            let chosen = Array(topics.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng)))
            switch Int.random(in: 0..<9, using: &rng) {
            case 6:
                // 活動記録: その他の活動 or 連絡調整, a count of several.
                let a = try db.logActivity(ActivityFields(category: categories.randomElement(using: &rng)!, date: date,
                                                          count: Int.random(in: 1...5, using: &rng)), today: today)
                activityIds.append(a.id)
            case 7 where !activityIds.isEmpty:
                try db.editActivity(id: activityIds.randomElement(using: &rng)!, ActivityFields(
                    category: categories.randomElement(using: &rng)!, date: date, count: Int.random(in: 1...5, using: &rng)), today: today)
            case 8 where !activityIds.isEmpty:
                try db.deleteActivity(id: activityIds.remove(at: Int.random(in: 0..<activityIds.count, using: &rng)))
            case 0 where !ids.isEmpty:
                try db.deleteVisit(id: ids.remove(at: Int.random(in: 0..<ids.count, using: &rng)))
            case 1 where !ids.isEmpty:
                try db.editVisit(id: ids.randomElement(using: &rng)!, VisitFields(
                    date: date, actions: actions, consultationField: fields.randomElement(using: &rng)! ?? .other,
                    consultationTopics: chosen), today: today)
            case 2:
                // Someone else's visit held on this laptop (as after a pull) is not in this 民生委員's report.
                let foreign = Visit(id: "foreign-\(step)", kind: .minseiWatch, date: date, visitorId: "M-002",
                                    visitorRole: .minseiIin, subjectId: "S-0001", district: "nishi", actions: actions,
                                    consultationField: .children, consultationTopics: chosen)
                _ = try db.writer.write { try AppDatabase.writeLocal($0, .visit(foreign), now: .now()) }
            default:
                let v = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .minseiWatch, date: date, actions: actions,
                                                    consultationField: fields.randomElement(using: &rng)!,
                                                    consultationTopics: chosen), today: today)
                ids.append(v.id)
            }
        }
        let everyVisit = try db.visits().map(\.visit)
        let everyActivity = try db.activities().map(\.activity)
        #expect(!everyActivity.isEmpty)
        for month in [5, 6, 7] {
            let report = try db.monthlyActivity(year: 2025, month: month)
            // The recount by hand, from the documents, without Shared's rule.
            let own = everyVisit.filter { $0.visitorId == "M-001" && $0.date.month == month }
            let activities = everyActivity.filter { $0.visitorId == "M-001" && $0.date.month == month }
            #expect(report.month == String(format: "2025-%02d", month))
            #expect(report.visits == own.count)
            #expect(report.activityDays == Set(own.map(\.date) + activities.map(\.date)).count)
            #expect(report.liaisons == own.filter { $0.actions.contains("liaison") }.count
                + activities.filter { $0.category == .liaison }.map(\.count).reduce(0, +))
            #expect(report.otherActivities == activities.filter { $0.category != .liaison }.map(\.count).reduce(0, +))
            for row in report.byActivity {
                #expect(row.count == activities.filter { $0.category.rawValue == row.key }.map(\.count).reduce(0, +), "\(row.key)")
            }
            #expect(report.consultations == own.filter {
                $0.actions.contains("consultation") || $0.consultationField != nil || !$0.consultationTopics.isEmpty
            }.count)
            for row in report.byField {
                #expect(row.count == own.filter { $0.consultationField?.rawValue == row.key }.count, "\(row.key)")
            }
            for row in report.byTopic {
                #expect(row.count == own.filter { $0.consultationTopics.contains(ConsultationTopic(rawValue: row.key)) }.count, "\(row.key)")
            }
            #expect(report.byField.map(\.key) == ConsultationField.knownIDs)
            #expect(report.byTopic.map(\.key) == ConsultationTopic.knownIDs)
        }
        // The maintained counters equal a count from scratch (what a laptop of the previous release gets at its
        // first unlocked report).
        let maintained = try [5, 6, 7].map { try db.monthlyActivity(year: 2025, month: $0) }
        let counters = try db.writer.read { try Row.fetchAll($0, sql: "SELECT * FROM activity_counters ORDER BY 1, 2, 3") }
        try db.writer.write { try $0.execute(sql: "INSERT INTO activity_counters_pending (id) VALUES (1); UPDATE activity_counters SET count = count + 7") }
        #expect(try db.activityCountersPending())
        #expect(try [5, 6, 7].map { try db.monthlyActivity(year: 2025, month: $0) } == maintained)
        #expect(try !db.activityCountersPending())
        #expect(try db.writer.read { try Row.fetchAll($0, sql: "SELECT * FROM activity_counters ORDER BY 1, 2, 3") } == counters)
    }

    @Test("the report works locked, from clear counters; counting older visits the first time needs the key")
    func lockedReport() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .minseiWatch, date: today, actions: ["liaison"],
                                    consultationField: .disabled, consultationTopics: ["work"]), today: today)
        let unlocked = try db.monthlyActivity(year: 2025, month: 6)
        try db.lock()
        #expect(throws: ClientError.self) { try db.visits() }   // really locked: the visits' content is sealed
        #expect(try db.monthlyActivity(year: 2025, month: 6) == unlocked)
        #expect(unlocked.visits == 1 && unlocked.liaisons == 1 && unlocked.activityDays == 1)
        #expect(unlocked.byField.first { $0.key == "disabled" }?.count == 1)
        #expect(unlocked.byTopic.first { $0.key == "work" }?.count == 1)
        try db.writer.write { try $0.execute(sql: "INSERT INTO activity_counters_pending (id) VALUES (1)") }
        #expect(throws: ClientError.self) { try db.monthlyActivity(year: 2025, month: 6) }
    }

    @Test("the CSV opens in Excel: BOM, CRLF, Japanese header row, formulas neutralised")
    func csvFormat() throws {
        let report = MonthlyActivityReport.make(
            year: 2025, month: 6, visitorId: "=cmd", visits: [
                Visit(id: "a", kind: .minseiWatch, date: LocalDate("2025-06-02")!, visitorId: "=cmd", visitorRole: .minseiIin,
                      subjectId: "S", district: "nishi", actions: ["liaison"], consultationField: .elderly,
                      consultationTopics: ["long_term_care", "housing"]),
            ])
        let data = ReportCommand.Monthly.csv(report, language: .japanese)
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.first == "\"区分\",\"項目\",\"件数\"")
        #expect(lines.last == "", "every line ends with CRLF")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.contains("\"\",\"訪問回数\",\"1\""))
        #expect(lines.contains("\"\",\"連絡調整回数\",\"1\""))
        #expect(lines.contains("\"相談・支援件数 分野別\",\"高齢者に関すること\",\"1\""))
        #expect(lines.contains("\"相談・支援件数 内容別\",\"介護保険\",\"1\""))
        #expect(lines.contains("\"\",\"その他の活動件数\",\"0\""))
        #expect(lines.contains("\"その他の活動件数 区分別\",\"証明事務\",\"0\""))
        #expect(lines.count == 1 + 4 + ConsultationField.entries.count + ConsultationTopic.entries.count + 1
            + ActivityCategory.otherActivities.count + 1)
        #expect(CSV.cell("=1+2") == "\"'=1+2\"")
        #expect(CSV.cell("@SUM(A1)").hasPrefix("\"'"))
    }

    @Test("a bad --month names the option and what is accepted", arguments: ["2025-13", "2025-6", "202506", "2025-06-01", "６月"])
    func badMonth(_ text: String) throws {
        #expect {
            _ = try MimamoriCommand.parseAsRoot(["report", "monthly", "--month", text])
        } throws: { error in
            let message = MimamoriCommand.fullMessage(for: error)
            return message.contains("--month") && message.contains("YYYY-MM")
        }
        #expect(throws: (any Error).self) { _ = try MimamoriCommand.parseAsRoot(["report", "monthly", "--month", "2025-06", "--json", "--csv"]) }
        #expect(try MimamoriCommand.parseAsRoot(["report", "monthly", "--month", "2025-06", "--csv"]) is ReportCommand.Monthly)
    }

    @Test("the text report follows the form's order, in Japanese")
    func japaneseText() {
        let report = MonthlyActivityReport.make(year: 2025, month: 6, visitorId: "M-001", visits: [])
        let lines = ReportCommand.Monthly.text(report, language: .japanese)
        #expect(lines[0].hasPrefix("民生委員・児童委員 活動記録 2025-06"))
        #expect(Array(lines[1...4]) == ["訪問回数: 0", "活動日数: 0", "連絡調整回数: 0", "相談・支援件数: 0"])
        #expect(lines.contains("  子どもの教育・学校生活: 0"))
        #expect(lines.contains("その他の活動件数: 0"))
        #expect(Array(lines.suffix(6)) == ActivityCategory.otherActivities.map { "  \($0.japanese): 0" })
    }
}
