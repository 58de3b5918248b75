import Foundation
import Testing
@testable import MimamoriShared

@Suite("Activity (活動記録): validation, wire form and the monthly record")
struct ActivityTests {
    let today = LocalDate("2025-06-10")!

    func activity(_ change: (inout Activity) -> Void = { _ in }) -> Activity {
        var a = Activity(id: DocumentID.make(), category: "survey", date: LocalDate("2025-06-01")!, district: "nishi", count: 2,
                         visitorId: "m-001", visitorRole: .minseiIin)
        change(&a)
        return a
    }

    func message(_ a: Activity) -> String {
        a.problems(today: today).map(\.description).joined(separator: "\n")
    }

    @Test func aGoodActivityHasNoProblems() {
        #expect(activity().problems(today: today).isEmpty)
        for category in ActivityCategory.known {
            #expect(activity { $0.category = category }.problems(today: today).isEmpty)
        }
    }

    @Test("every category of the national form, and 連絡調整, in the form's order")
    func categories() {
        #expect(ActivityCategory.entries.map(\.japanese) == [
            "調査・実態把握", "行事・事業・会議への参加協力", "地域福祉活動・自主活動", "民児協運営・研修", "証明事務",
            "要保護児童の発見の通告・仲介", "連絡調整",
        ])
        #expect(ActivityCategory.otherActivities.count == 6)
        #expect(ActivityCategory.parse("証明事務") == "certification")
    }

    @Test("a bad count, category, date or district names the field and what is accepted")
    func badInput() {
        #expect(message(activity { $0.count = 0 }) == "count: '0' is not accepted; accepted: a whole number from 1 to 99")
        #expect(message(activity { $0.count = 100 }) == "count: '100' is not accepted; accepted: a whole number from 1 to 99")
        #expect(message(activity { $0.count = Int.min }).hasPrefix("count: '-9223372036854775808' is not accepted"))
        #expect(message(activity { $0.category = "meeting" }) == "activity-category: 'meeting' is not accepted; accepted: one of survey, event_participation, community_welfare, council_training, certification, child_protection, liaison")
        #expect(message(activity { $0.date = LocalDate("2025-06-11")! })
            == "date: '2025-06-11' is not accepted; accepted: a date from 2000-01-01 to today (2025-06-10); an activity cannot be in the future")
        #expect(message(activity { $0.district = " " }).hasPrefix("district: ' ' is not accepted"))
        #expect(message(activity { $0.note = "a\u{0}b" }).hasPrefix("note: "))
        // Every problem at once.
        #expect(activity { $0.count = 0; $0.category = "x y"; $0.visitorId = "" }.problems(today: today).map(\.field)
            == ["activity-category", "count", "visitor-id"])
        // A newer laptop's category is kept on sync.
        #expect(activity { $0.category = "newer_category" }.problems(today: today, codes: .allowUnknown).isEmpty)
    }

    @Test("a payload names its type; a member of another type is refused, not ignored")
    func payloadMembers() throws {
        let json = try MimamoriJSON.encode(DocumentPayload.activity(activity()))
        #expect(String(decoding: json, as: UTF8.self).hasPrefix(#"{"activity":{"category":"survey","count":2,"#))
        let mixed = #"{"type":"activity","activity":{"id":"a","category":"survey","date":"2025-06-01","district":"n","count":1,"visitorId":"m","visitorRole":"minsei_iin"},"visit":{}}"#
        #expect(throws: DecodingError.self) { try MimamoriJSON.decode(DocumentPayload.self, from: Data(mixed.utf8)) }
        let unknownKey = #"{"type":"activity","activity":{"id":"a","category":"survey","date":"2025-06-01","district":"n","count":1,"visitorId":"m","visitorRole":"minsei_iin","subjectId":"S-1"}}"#
        #expect(throws: DecodingError.self) { try MimamoriJSON.decode(DocumentPayload.self, from: Data(unknownKey.utf8)) }
        #expect(Data(unknownKey.utf8).withUnsafeBytes { VersionJSON.parsePayload($0) } == nil)
        let missingCount = #"{"type":"activity","activity":{"id":"a","category":"survey","date":"2025-06-01","district":"n","visitorId":"m","visitorRole":"minsei_iin"}}"#
        #expect(throws: DecodingError.self) { try MimamoriJSON.decode(DocumentPayload.self, from: Data(missingCount.utf8)) }
        #expect(Data(missingCount.utf8).withUnsafeBytes { VersionJSON.parsePayload($0) } == nil)
    }

    @Test("the monthly record: 活動日数 counts days with a visit or an activity; 連絡調整 and その他の活動 by count")
    func monthlyRecord() {
        let visits = [
            Visit(id: "v1", kind: .minseiWatch, date: LocalDate("2025-06-01")!, visitorId: "m-001", visitorRole: .minseiIin,
                  subjectId: "S-1", district: "nishi", actions: ["liaison"]),
        ]
        let activities = [
            activity { $0.date = LocalDate("2025-06-01")!; $0.category = .liaison; $0.count = 3 },
            activity { $0.date = LocalDate("2025-06-04")!; $0.category = "certification"; $0.count = 2 },
            activity { $0.date = LocalDate("2025-06-05")!; $0.category = "survey"; $0.count = 1 },
            activity { $0.date = LocalDate("2025-06-05")!; $0.category = "newer_category"; $0.count = 4 },
            // Another month and another visitor count nothing here.
            activity { $0.date = LocalDate("2025-05-31")! },
            activity { $0.visitorId = "m-002" },
        ]
        let r = MonthlyActivityReport.make(year: 2025, month: 6, visitorId: "m-001", visits: visits, activities: activities)
        #expect(r.visits == 1)
        #expect(r.activityDays == 3)
        #expect(r.liaisons == 4)
        #expect(r.otherActivities == 7)
        #expect(r.byActivity.map(\.key) == ActivityCategory.otherActivities.map(\.id) + [CodeID.unknownRow])
        #expect(r.byActivity.first { $0.key == "certification" }?.count == 2)
        #expect(r.byActivity.first { $0.key == "certification" }?.label == "証明事務")
        #expect(r.byActivity.first { $0.key == CodeID.unknownRow }?.count == 4)
        // Without activities, every category has its row at zero, as on the paper form.
        let none = MonthlyActivityReport.make(year: 2025, month: 6, visitorId: "m-001", visits: visits)
        #expect(none.otherActivities == 0 && none.byActivity.count == 6 && none.activityDays == 1 && none.liaisons == 1)
    }
}
