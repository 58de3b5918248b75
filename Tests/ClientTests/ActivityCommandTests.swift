import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("mimamori activity log|list|edit|delete (活動記録)")
struct ActivityCommandTests {
    @Test("log, edit and delete go through the outbox like visits; a delete erases the note")
    func logEditDelete() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        let logged = try db.logActivity(ActivityFields(category: "certification", count: 3, note: "民生委員証明 3 通"), today: today)
        // Defaults: today, the district of init, the visitor's id and role.
        #expect(logged.date == today && logged.district == "nishi" && logged.visitorId == "M-001" && logged.visitorRole == .minseiIin)
        #expect(try db.activities().map(\.activity) == [logged])
        let edited = try db.editActivity(id: logged.id, ActivityFields(category: "liaison", count: 1), today: today)
        #expect(edited.category == .liaison && edited.count == 1 && edited.note == "民生委員証明 3 通")
        #expect(try db.activities().map(\.activity) == [edited])
        #expect(try db.pendingChanges().filter { $0.type == .activity }.map(\.payload) == [.activity(logged), .activity(edited)])
        try db.deleteActivity(id: logged.id)
        #expect(try db.activities().isEmpty)
        #expect(try db.activities(ActivityFilter(includeDeleted: true)).isEmpty, "a deleted activity leaves the list")
        let pending = try db.pendingChanges().filter { $0.type == .activity }
        #expect(pending.count == 3)
        #expect(pending.last?.payload == .erased(ErasedDocument(type: .activity, id: logged.id, district: "nishi")))
        // Deleting twice, or editing a deleted one, says it was deleted.
        #expect(throws: ClientError.documentDeleted(logged.id)) { try db.deleteActivity(id: logged.id) }
        #expect(throws: ClientError.documentDeleted(logged.id)) { try db.editActivity(id: logged.id, ActivityFields(count: 2), today: today) }
        #expect(throws: ClientError.unknownActivity("nope")) { try db.editActivity(id: "nope", ActivityFields(count: 2), today: today) }
        // A visit's id is not an activity's.
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .minseiWatch), today: today)
        #expect(throws: ClientError.unknownActivity(visit.id)) { try db.deleteActivity(id: visit.id) }
    }

    @Test("bad input names the field and what is accepted, and writes nothing")
    func badInput() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        let before = try dump(db)
        #expect {
            try db.logActivity(ActivityFields(category: "meeting", date: LocalDate("2025-07-01")!, count: 0), today: today)
        } throws: { error in
            let problems = (error as? ValidationFailure)?.problems ?? []
            return problems.map(\.field) == ["activity-category", "date", "count"]
                && problems[0].accepted.contains("certification") && problems[2].accepted == "a whole number from 1 to 99"
        }
        #expect {
            try db.logActivity(ActivityFields(), today: today)
        } throws: { error in
            (error as? ValidationFailure)?.problems.map(\.field) == ["activity-category"]
        }
        #expect(try dump(db) == before)
        // In Japanese, field by field.
        let failure = ValidationFailure(Activity(id: "a", category: "meeting", date: today, district: "nishi", count: 100,
                                                 visitorId: "M-001", visitorRole: .minseiIin).problems(today: today))
        let japanese = JapaneseStrings().validationFailure(failure.problems)
        #expect(japanese.contains("活動の区分（activity-category）: 「meeting」 は使えません。使えるもの: 次のどれか: survey（調査・実態把握）"))
        #expect(japanese.contains("件数（count）: 「100」 は使えません。使えるもの: 1〜99 の整数"))
    }

    @Test("a laptop set up without a district must name one")
    func districtRequired() throws {
        let db = try AppDatabase.inMemory()
        try db.initReplica(visitorId: "M-9", name: "民生", role: .minseiIin)
        #expect {
            try db.logActivity(ActivityFields(category: "survey"), today: today)
        } throws: { error in
            (error as? ValidationFailure)?.problems.map(\.field) == ["district"]
        }
        #expect(try db.logActivity(ActivityFields(category: "survey", district: "kyomachi"), today: today).district == "kyomachi")
    }

    @Test("list filters by month and category; the text line and --json")
    func listing() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        let june = try db.logActivity(ActivityFields(category: "survey", date: LocalDate("2025-06-03")!, count: 2), today: today)
        let may = try db.logActivity(ActivityFields(category: "certification", date: LocalDate("2025-05-20")!), today: today)
        #expect(try db.activities().map(\.activity.id) == [may.id, june.id])
        #expect(try db.activities(ActivityFilter(from: LocalDate("2025-06-01"), to: LocalDate("2025-06-30"))).map(\.activity.id) == [june.id])
        #expect(try db.activities(ActivityFilter(category: "certification")).map(\.activity.id) == [may.id])
        #expect(Output.activityLine(june, inConflict: false, language: .japanese) == "2025-06-03  \(june.id)  調査・実態把握  ×2  nishi")
        let json = String(decoding: try MimamoriJSON.encode(try db.activities()), as: UTF8.self)
        #expect(json.contains(#""category":"certification""#) && json.contains(#""inConflict":false"#))
        #expect(Output.activityText(june, language: .japanese).contains("活動の区分: 調査・実態把握 [survey]"))
    }

    @Test("the note is sealed like a visit's: locked, the activity cannot be read, the report still counts")
    func sealedNote() throws {
        let db = try makeDatabase(visitor: "M-001", role: .minseiIin)
        // `makeDatabase` is sealed already (a passphrase is chosen at init).
        try db.logActivity(ActivityFields(category: "child_protection", note: "児童相談所へ通告（要配慮）"), today: today)
        let stored = try db.writer.read { try Data.fetchAll($0, sql: "SELECT json FROM version") }
        #expect(!stored.isEmpty)
        for bytes in stored { #expect(!String(decoding: bytes, as: UTF8.self).contains("児童相談所")) }
        let report = try db.monthlyActivity(year: 2025, month: 6)
        try db.lock()
        #expect(throws: ClientError.self) { try db.activities() }
        #expect(try db.monthlyActivity(year: 2025, month: 6) == report)
        #expect(report.otherActivities == 1 && report.activityDays == 1)
    }

}
