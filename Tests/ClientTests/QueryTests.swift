import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("due, totals and visit list")
struct QueryTests {
    @Test("due lists never-visited subjects first, then the most overdue; visited-in-time and inactive ones not at all")
    func dueOrdering() throws {
        let db = try AppDatabase.inMemory()
        try db.initReplica(visitorId: "V-001", name: "山田", role: .fureaiMember)
        for (id, cadence) in [("A", 7), ("B", 30), ("C", 14), ("D", 14), ("E", 7)] {
            try db.addSubject(id: id, fields: SubjectFields(name: id, district: "nishi", cadenceDays: cadence), today: today)
        }
        try db.addSubject(id: "N", fields: SubjectFields(name: "no cadence", district: "nishi"), today: today)
        func visit(_ s: String, daysAgo: Int) throws {
            try db.logVisit(VisitFields(subjectId: s, kind: .fureaiWatch, date: today.adding(days: -daysAgo)), today: today)
        }
        try visit("A", daysAgo: 10)   // 3 days overdue
        try visit("B", daysAgo: 5)    // not due
        try visit("C", daysAgo: 40)   // 26 days overdue
        try visit("C", daysAgo: 60)   // older visit does not matter
        try visit("E", daysAgo: 30)
        try db.deactivateSubject(id: "E")
        // D never visited

        let due = try db.due(today: today)
        #expect(due.map(\.subjectId) == ["D", "C", "A"])
        #expect(due.map(\.daysOverdue) == [nil, 26, 3])
        #expect(due[1].lastVisit == today.adding(days: -40))
    }

    @Test("a deleted visit does not count as the last visit")
    func dueIgnoresDeleted() throws {
        let db = try makeDatabase()
        let v = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: today), today: today)
        #expect(try db.due(today: today).isEmpty)
        try db.deleteVisit(id: v.id)
        #expect(try db.due(today: today).map(\.subjectId) == ["S-0001"])
    }

    @Test("totals come from the counters and equal a full recount after any mix of writes")
    func totalsEqualRecount() throws {
        let db = try makeDatabase()
        try db.addSubject(id: "S-0002", fields: SubjectFields(name: "b", district: "higashi"), today: today)
        var ids: [String] = []
        let kinds: [VisitKind] = [.fureaiWatch, .minseiWatch, .outreach, .fureaiWatch]
        for i in 0..<24 {
            let date = LocalDate("2025-03-20")!.adding(days: i * 4)   // spans FY2024 and FY2025
            let v = try db.logVisit(VisitFields(subjectId: i % 2 == 0 ? "S-0001" : "S-0002", kind: kinds[i % 4], date: date,
                                                method: i % 3 == 0 ? .phone : nil), today: today)
            ids.append(v.id)
        }
        try db.editVisit(id: ids[0], VisitFields(kind: .minseiWatch), today: today)
        try db.editVisit(id: ids[5], VisitFields(date: LocalDate("2024-12-01")), today: today)
        try db.deleteVisit(id: ids[7])
        try db.editVisit(id: ids[9], VisitFields(subjectId: "S-0001"), today: today)

        #expect(try db.counters() == db.recount())
        let report = try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today)
        let fy2025 = try db.visits(.fiscalYear(FiscalYear(2025))).map(\.visit)
        #expect(report.indicators[0].count == fy2025.filter { $0.kind == .fureaiWatch }.count)
        #expect(report.indicators[1].count == fy2025.filter { [.fureaiWatch, .minseiWatch, .kyoryokuinWatch].contains($0.kind) }.count)
        #expect(report.byMonth.map(\.all).reduce(0, +) == fy2025.count)
        #expect(report.byMethod.first { $0.key == "phone" }?.all == fy2025.filter { $0.method == .phone }.count)
    }

    @Test("visit list filters by month, 年度, range, subject and kind")
    func listFilters() throws {
        let db = try makeDatabase()
        try db.addSubject(id: "S-0002", fields: SubjectFields(name: "b", district: "nishi"), today: today)
        let a = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: LocalDate("2025-03-31")), today: today)
        let b = try db.logVisit(VisitFields(subjectId: "S-0002", kind: .minseiWatch, date: LocalDate("2025-04-01")), today: today)
        let c = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: LocalDate("2025-04-30")), today: today)
        #expect(try db.visits(.month(year: 2025, month: 4)).map(\.visit.id) == [b.id, c.id])
        #expect(try db.visits(.fiscalYear(FiscalYear(2024))).map(\.visit.id) == [a.id])
        #expect(try db.visits(VisitFilter(subjectId: "S-0001")).map(\.visit.id) == [a.id, c.id])
        #expect(try db.visits(VisitFilter(kind: .minseiWatch)).map(\.visit.id) == [b.id])
        #expect(try db.visits(VisitFilter(from: LocalDate("2025-04-01"), to: LocalDate("2025-04-01"))).map(\.visit.id) == [b.id])
    }
}
