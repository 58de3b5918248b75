import Foundation
import Testing
@testable import MimamoriShared

@Suite("Code lists")
struct CodeListTests {
    @Test func everyListHasJapaneseLabelsAndUniqueIds() {
        let lists: [[CodeEntry]] = [VisitKind.entries, ContactMethod.entries, VisitorRole.entries, Outcome.entries,
                                    VisitAction.entries, NichijiService.entries, Concern.entries, SharingVenue.entries,
                                    ReferralDestination.entries, PlanEvent.entries, SubjectCategory.entries]
        for list in lists {
            #expect(Set(list.map(\.id)).count == list.count)
            #expect(list.allSatisfy { !$0.japanese.isEmpty && !$0.english.isEmpty })
        }
        #expect(VisitKind.knownIDs == ["fureai_watch", "minsei_watch", "kyoryokuin_watch", "outreach", "nichiji_checkin"])
        #expect(Concern.entries.count == 17)
        #expect(VisitorRole.entries.count == 11)
    }

    @Test func labelsFollowTheLocale() {
        #expect(Language.from(environment: ["LANG": "ja_JP.UTF-8"]) == .japanese)
        #expect(Language.from(environment: ["LANG": "en_US.UTF-8"]) == .english)
        #expect(Language.from(environment: ["LANG": "ja_JP.UTF-8", "LC_ALL": "C"]) == .english)
        #expect(Language.from(environment: [:]) == .english)
        #expect(VisitKind.fureaiWatch.label(.japanese) == "ふれあいの会による見守り訪問")
        #expect(Outcome.notAtHome.label(.english) == "Not at home")
    }

    @Test func parsingAcceptsIdsAndLabels() {
        #expect(Outcome.parse("declined") == .declined)
        #expect(Outcome.parse("面会拒否") == .declined)
        #expect(ContactMethod.parse("PHONE") == .phone)
        #expect(ContactMethod.parse("fax") == nil)
    }

    @Test func unknownIdsRoundTripThroughJSONUnchanged() throws {
        let v = Visit(id: "0190-x", kind: "jutaku_watch", method: "video_call", date: LocalDate("2025-05-05")!,
                      visitorId: "v1", visitorRole: "housing_supporter", subjectId: "S-1", district: "nishi",
                      outcome: "hospitalised", concerns: ["isolation", "heatstroke_risk"], referral: "new_center")
        let payload = DocumentPayload.visit(v)
        let data = try MimamoriJSON.encode(payload)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""kind":"jutaku_watch""#))
        #expect(text.contains(#""concerns":["isolation","heatstroke_risk"]"#))
        let back = try MimamoriJSON.decode(DocumentPayload.self, from: data)
        #expect(back == payload)
        #expect(back.visit?.kind.isKnown == false)
        #expect(back.visit?.kind.label(.japanese) == "jutaku_watch", "an unknown id shows as itself")
        #expect(try MimamoriJSON.encode(back) == data)
    }

    @Test func unknownFieldsAreRefusedWithTheirName() throws {
        let json = #"{"id":"S-1","name":"山田","district":"nishi","nmae":"typo"}"#
        do {
            _ = try MimamoriJSON.decode(Subject.self, from: Data(json.utf8))
            Issue.record("an unknown field was accepted")
        } catch {
            #expect(MimamoriJSON.describe(error).contains("unknown field 'nmae'"))
        }
    }

    @Test func documentIdsAreTimeOrderedUUIDv7() {
        let a = DocumentID.make(now: Timestamp(milliseconds: 1_700_000_000_000).date)
        let b = DocumentID.make(now: Timestamp(milliseconds: 1_700_000_000_001).date)
        #expect(a < b)
        #expect(a.count == 36)
        #expect(Array(a)[14] == "7")
        #expect(UUID(uuidString: a) != nil)
        #expect(DocumentID.isValid(a))
    }
}
