import Testing
@testable import MimamoriShared

@Suite("Validation: every problem at once, each naming the field and what is accepted")
struct ValidationTests {
    let today = LocalDate("2025-06-10")!

    func visit(_ change: (inout Visit) -> Void = { _ in }) -> Visit {
        var v = Visit(id: DocumentID.make(), kind: .fureaiWatch, date: LocalDate("2025-06-01")!, visitorId: "v-001",
                      visitorRole: .fureaiMember, subjectId: "S-0042", district: "nishi")
        change(&v)
        return v
    }

    func message(_ v: Visit) -> String {
        v.problems(today: today).map(\.description).joined(separator: "\n")
    }

    @Test func aGoodVisitHasNoProblems() {
        #expect(visit().problems(today: today).isEmpty)
    }

    @Test func visitDateInTheFuture() {
        let m = message(visit { $0.date = LocalDate("2025-06-11")! })
        #expect(m == "date: '2025-06-11' is not accepted; accepted: a date from 2000-01-01 to today (2025-06-10); a visit cannot be in the future")
    }

    @Test func kyoryokuinVisitNeedsTheAssistedMinseiIin() {
        let m = message(visit { $0.kind = .kyoryokuinWatch; $0.visitorRole = .minseiKyoryokuin })
        #expect(m == "assists: (empty) is not accepted; accepted: the id of the 民生委員 being assisted (required for kyoryokuin_watch visits)")
        #expect(visit { $0.kind = .kyoryokuinWatch; $0.assistsMinseiId = "m-7" }.problems(today: today).isEmpty)
    }

    @Test func consultationFieldsNameTheFieldAndWhatIsAccepted() {
        #expect(visit { $0.consultationField = .children; $0.consultationTopics = ["child_education", "family"] }
            .problems(today: today).isEmpty)
        let field = message(visit { $0.consultationField = "kids" })
        #expect(field == "consultation-field: 'kids' is not accepted; accepted: one of elderly, disabled, children, other")
        #expect(message(visit { $0.consultationTopics = ["Housing!"] }).hasPrefix(
            "consultation-topic: 'Housing!' is not accepted; accepted: a code id of 1–40 characters of a–z, 0–9 or '_', e.g. one of home_welfare,"))
        #expect(message(visit { $0.consultationTopics = ["work", "work"] }) == "consultation-topic: 'work' is not accepted; accepted: each value at most once")
        let many = (0..<(Limits.codesPerList + 1)).map { ConsultationTopic(rawValue: "t\($0)") }
        #expect(message(visit { $0.consultationTopics = many }) == "consultation-topic: '33 entries' is not accepted; accepted: at most 32 entries")
        // A newer laptop's topic is kept on sync (allowUnknown) when it fits the code grammar.
        #expect(visit { $0.consultationTopics = ["newer_topic"] }.problems(today: today, codes: .allowUnknown).isEmpty)
    }

    @Test func emptySubject() {
        #expect(message(visit { $0.subjectId = "" }).hasPrefix("subject: (empty) is not accepted; accepted: the id of a subject"))
    }

    @Test func durationOverADay() {
        #expect(message(visit { $0.durationMinutes = 1441 }) == "duration-min: '1441' is not accepted; accepted: whole minutes from 1 to 1440 (24 hours)")
        #expect(message(visit { $0.durationMinutes = 0 }).hasPrefix("duration-min: '0'"))
    }

    @Test func unknownCodesFromAPersonAreRefusedButKeptFromAReplica() {
        let v = visit { $0.kind = "home_help"; $0.concerns = ["isolation", "lonely"] }
        #expect(message(v) == """
            kind: 'home_help' is not accepted; accepted: one of fureai_watch, minsei_watch, kyoryokuin_watch, outreach, nichiji_checkin
            concern: 'lonely' is not accepted; accepted: one of \(Concern.acceptedDescription)
            """)
        #expect(v.problems(today: today, codes: .allowUnknown).isEmpty)
    }

    @Test func duplicateConcerns() {
        #expect(message(visit { $0.concerns = ["isolation", "isolation"] }) == "concern: 'isolation' is not accepted; accepted: each value at most once")
    }

    @Test func duplicatesAnywhereInAListAreNamedOnceEach() {
        #expect(message(visit { $0.concerns = ["isolation", "dementia_signs", "isolation", "dementia_signs"] }) == """
            concern: 'isolation' is not accepted; accepted: each value at most once
            concern: 'dementia_signs' is not accepted; accepted: each value at most once
            """)
        #expect(message(visit { $0.concerns = ["isolation", "dementia_signs"] }).isEmpty)
    }

    @Test func controlCharactersAreRefusedByTheirUnicodeCategory() {
        // C1 controls (U+0080–U+009F) are refused like C0 ones; other invisible or wide characters are text.
        let c1 = message(visit { $0.note = "お元気\u{85}でした" })
        #expect(c1.hasPrefix("note: ") && c1.hasSuffix("accepted: text with no control characters other than line breaks and tabs"))
        #expect(message(visit { $0.note = "お元気\u{7F}" }).hasPrefix("note: "))
        #expect(message(visit { $0.note = "一行目\n\t二行目\u{3000}\u{200B}🙂" }).isEmpty)
        #expect(message(visit { $0.visitorId = "v-\u{9F}1" }).hasPrefix("visitor-id: "))
        #expect(message(visit { $0.visitorId = "v-\u{A0}1" }).isEmpty)
    }

    @Test func theControlCheckIsExactlyUnicodesControlCategory() {
        // The check compares values instead of looking up each character's category: the two agree on every scalar.
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if Checker.isControl(scalar) != (scalar.properties.generalCategory == .control) {
                Issue.record("U+\(String(value, radix: 16)) disagrees")
            }
            // The check over UTF-8 bytes that validation runs agrees too, wherever the character stands.
            if Checker.hasControl("é" + String(Character(scalar)) + "a", allowing: []) != Checker.isControl(scalar) {
                Issue.record("U+\(String(value, radix: 16)) disagrees in UTF-8")
            }
        }
    }

    @Test func servicesAndPlanEventsBelongToTheirKinds() {
        #expect(message(visit { $0.services = ["money_management"] }).hasPrefix("service: 'money_management' is not accepted; accepted: no services"))
        #expect(message(visit { $0.planEvent = .init(rawValue: "created") }).hasPrefix("plan-event: 'created'"))
        #expect(visit { $0.kind = .outreach; $0.planEvent = "replanned" }.problems(today: today).isEmpty)
        #expect(visit { $0.kind = .nichijiCheckin; $0.services = ["document_custody"] }.problems(today: today).isEmpty)
    }

    @Test func nextDueBeforeTheVisit() {
        #expect(message(visit { $0.nextDue = LocalDate("2025-05-01")! }) == "next-due: '2025-05-01' is not accepted; accepted: a date on or after the visit date (2025-06-01)")
    }

    @Test func allProblemsAreReportedTogether() {
        let p = visit { $0.date = LocalDate("2030-01-01")!; $0.subjectId = ""; $0.durationMinutes = 2000; $0.district = " " }
            .problems(today: today)
        #expect(p.map(\.field) == ["date", "duration-min", "subject", "district"])
        let failure = ValidationFailure(p)
        #expect(failure.errorDescription!.hasPrefix("the record was not saved:\n  - date: '2030-01-01'"))
    }

    @Test func subjectRules() {
        let s = Subject(id: "S 1", name: "", district: "nishi", categories: ["solo_elderly", "rich"], cadenceDays: 0,
                        consentToShare: false, consentDate: LocalDate("2025-01-01"))
        #expect(s.problems(today: today).map(\.description) == [
            "id: 'S 1' is not accepted; accepted: 1–64 characters of A–Z, a–z, 0–9, '-', '_' or '.'",
            "name: (empty) is not accepted; accepted: non-empty text of at most 200 characters and 800 bytes of UTF-8, on one line with no control characters",
            "category: 'rich' is not accepted; accepted: one of \(SubjectCategory.acceptedDescription)",
            "cadence-days: '0' is not accepted; accepted: whole days from 1 to 366",
            "consent-date: '2025-01-01' is not accepted; accepted: a consent date only when consent to share is given",
        ])
    }
}
