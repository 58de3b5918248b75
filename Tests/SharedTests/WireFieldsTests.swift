import Foundation
import Testing
@testable import MimamoriShared

/// A field added to `Visit`, `Subject` or `Version` must reach the hand-written reader and writer too, or it
/// would be silently dropped on the fast path. Each test builds a value with *every* field set away from its
/// default; it fails when a new field is left out of the value (Mirror sees it nil, empty or default), out of
/// the CodingKeys, out of `FastJSONWriter` (bytes differ from JSONEncoder's) or out of `FastJSONParser`
/// (the fast reader refuses an unknown key and gives nil).
@Suite("Wire fields reach the fast reader and writer")
struct WireFieldsTests {
    static let full = Visit(
        id: "visit-1", kind: .outreach, method: .phone, date: LocalDate("2025-06-01")!, time: LocalTime("10:30")!,
        durationMinutes: 30, visitorId: "v-1", visitorRole: .outreachWorker, organization: "社協", assistsMinseiId: "m-1",
        subjectId: "S-1", district: "nishi", outcome: .notAtHome, actions: ["companionship"], services: ["money_management"],
        concerns: ["isolation"], urgent: true, sharedAt: ["shien_kaigi"], referral: ReferralDestination(rawValue: "houkatsu"),
        nextDue: LocalDate("2025-07-01")!, planEvent: "created",
        consultationField: .elderly, consultationTopics: ["long_term_care", "housing"], note: "メモ")

    static let fullSubject = Subject(
        id: "S-1", name: "佐藤 一郎", district: "nishi", categories: ["dokkyo"], cadenceDays: 30, consentToShare: true,
        consentDate: LocalDate("2025-01-01")!, active: false, note: "メモ")

    static let fullActivity = Activity(
        id: "activity-1", category: "certification", date: LocalDate("2025-06-02")!, district: "nishi", count: 3,
        visitorId: "m-1", visitorRole: .minseiIin, note: "証明書 3 通")

    static let fullVersion = Version(
        documentId: "visit-1", payload: .visit(full), deleted: true, vector: VersionVector(["replica-a": 3, "replica-b": 1]),
        dot: Dot(replica: "replica-a", counter: 3), author: "v-1", writtenAt: Timestamp(milliseconds: 1_750_000_000_123))

    /// The labels of the stored properties whose value is nil, empty, or equal to the same property of `defaults`.
    static func unset(_ value: Any, defaults: Any) -> [String] {
        let base = Dictionary(uniqueKeysWithValues: Mirror(reflecting: defaults).children.compactMap { c in c.label.map { ($0, "\(c.value)") } })
        return Mirror(reflecting: value).children.compactMap { child in
            guard let label = child.label else { return nil }
            let text = "\(child.value)"
            if text == "nil" || text == "[]" || text == base[label] { return label }
            return nil
        }
    }

    static func labels(_ value: Any) -> Set<String> { Set(Mirror(reflecting: value).children.compactMap(\.label)) }

    @Test("every Visit field is set, coded, written and read by the fast path")
    func visitFields() throws {
        let defaults = Visit(id: "", kind: "", date: LocalDate("2000-01-01")!, visitorId: "", visitorRole: "", subjectId: "", district: "")
        #expect(Self.unset(Self.full, defaults: defaults).isEmpty, "set these in WireFieldsTests.full: \(Self.unset(Self.full, defaults: defaults))")
        #expect(Self.labels(Self.full) == Set(Visit.CodingKeys.allCases.map(\.stringValue)))
        try expectFastPathKeeps(.visit(Self.full))
    }

    @Test("every Subject field is set, coded, written and read by the fast path")
    func subjectFields() throws {
        let defaults = Subject(id: "", name: "", district: "")
        #expect(Self.unset(Self.fullSubject, defaults: defaults).isEmpty,
                "set these in WireFieldsTests.fullSubject: \(Self.unset(Self.fullSubject, defaults: defaults))")
        #expect(Self.labels(Self.fullSubject) == Set(Subject.CodingKeys.allCases.map(\.stringValue)))
        try expectFastPathKeeps(.subject(Self.fullSubject))
    }

    @Test("every Activity field is set, coded, written and read by the fast path")
    func activityFields() throws {
        let defaults = Activity(id: "", category: "", date: LocalDate("2000-01-01")!, district: "", count: 1, visitorId: "", visitorRole: "")
        #expect(Self.unset(Self.fullActivity, defaults: defaults).isEmpty,
                "set these in WireFieldsTests.fullActivity: \(Self.unset(Self.fullActivity, defaults: defaults))")
        #expect(Self.labels(Self.fullActivity) == Set(Activity.CodingKeys.allCases.map(\.stringValue)))
        try expectFastPathKeeps(.activity(Self.fullActivity))
        var plain = Self.fullActivity
        plain.note = nil
        try expectFastPathKeeps(.activity(plain))
        // Inside a whole version, too.
        let version = VersionSet().write(.activity(Self.fullActivity), replica: "replica-a", counter: 1, author: "m-1")
        let codable = try MimamoriJSON.encode(version)
        #expect(VersionJSON.encode(version) == codable)
        #expect(codable.withUnsafeBytes { VersionJSON.parse($0) } == version)
    }

    @Test("every Version field is set, coded, written and read by the fast path")
    func versionFields() throws {
        let defaults = Version(documentId: "", payload: .subject(Subject(id: "", name: "", district: "")), deleted: false,
                               vector: VersionVector(), dot: Dot(replica: "", counter: 0), author: "", writtenAt: Timestamp(milliseconds: 0))
        #expect(Self.unset(Self.fullVersion, defaults: defaults).isEmpty,
                "set these in WireFieldsTests.fullVersion: \(Self.unset(Self.fullVersion, defaults: defaults))")
        #expect(Self.labels(Self.fullVersion) == Set(Version.CodingKeys.allCases.map(\.stringValue)))
        #expect(Self.labels(Self.fullVersion.dot) == ["replica", "counter"])
        let codable = try MimamoriJSON.encode(Self.fullVersion)
        #expect(VersionJSON.encode(Self.fullVersion) == codable, "FastJSONWriter.version forgets a field")
        #expect(codable.withUnsafeBytes { VersionJSON.parse($0) } == Self.fullVersion, "FastJSONParser.version forgets a field")
        // The decoded value keeps every field: nothing the Codable path reads is lost on the fast path.
        #expect(try MimamoriJSON.decode(Version.self, from: codable) == Self.fullVersion)
    }

    @Test("a deleted activity is erased like any document: type, id and district only")
    func erasedActivity() throws {
        let live = VersionSet().write(.activity(Self.fullActivity), replica: "replica-a", counter: 1, author: "m-1")
        let tombstone = try VersionSet([live]).write(.activity(Self.fullActivity), deleted: true, replica: "replica-a", counter: 2, author: "m-1")
        #expect(tombstone.payload == .erased(ErasedDocument(type: .activity, id: "activity-1", district: "nishi")))
        #expect(tombstone.structuralProblems.isEmpty)
        try expectFastPathKeeps(tombstone.payload)
        let json = String(decoding: VersionJSON.encode(tombstone), as: UTF8.self)
        for content in ["証明書", "certification", "m-1\",\"visitorRole", "2025-06-02"] {
            #expect(!json.contains(content), "the tombstone still carries \(content): \(json)")
        }
        #expect(json.contains(#""type":"activity""#))
    }

    @Test("a tombstone's erased payload keeps exactly type, id and district, on both paths")
    func erasedFields() throws {
        let erased = ErasedDocument(type: .subject, id: "S-1", district: "nishi")
        #expect(Self.labels(erased) == ["type", "id", "district"])
        try expectFastPathKeeps(.erased(erased))
        let tombstone = try VersionSet([Self.fullVersion]).write(.visit(Self.full), deleted: true, replica: "replica-a", counter: 4, author: "v-1")
        #expect(tombstone.payload == .erased(ErasedDocument(type: .visit, id: "visit-1", district: "nishi")))
        #expect(tombstone.structuralProblems.isEmpty)
        let json = String(decoding: VersionJSON.encode(tombstone), as: UTF8.self)
        for content in ["メモ", "社協", "S-1", "outreach", "10:30"] {
            #expect(!json.contains(content), "the tombstone still carries \(content): \(json)")
        }
    }

    @Test("a visit without the activity-record fields is written as before, so older laptops still read it")
    func consultationFieldsLeftOutWhenUnset() throws {
        var plain = Self.full
        plain.consultationField = nil
        plain.consultationTopics = []
        let codable = try MimamoriJSON.encode(DocumentPayload.visit(plain))
        #expect(!String(decoding: codable, as: UTF8.self).contains("consultation"))
        try expectFastPathKeeps(.visit(plain))
        // An explicit empty list reads as none on both paths and is written back without the key.
        let withEmpty = String(decoding: codable, as: UTF8.self).replacingOccurrences(of: #""concerns":"#, with: #""consultationTopics":[],"concerns":"#)
        let fast = Data(withEmpty.utf8).withUnsafeBytes { VersionJSON.parsePayload($0) }
        #expect(fast == .visit(plain))
        #expect(try MimamoriJSON.decode(DocumentPayload.self, from: Data(withEmpty.utf8)) == .visit(plain))
        // Each field alone, through both readers and writers.
        for field in ConsultationField.known {
            var v = plain; v.consultationField = field
            try expectFastPathKeeps(.visit(v))
        }
        for topic in ConsultationTopic.known {
            var v = plain; v.consultationTopics = [topic, "newer_topic"]
            try expectFastPathKeeps(.visit(v))
        }
    }

    func expectFastPathKeeps(_ payload: DocumentPayload) throws {
        let codable = try MimamoriJSON.encode(payload)
        #expect(VersionJSON.encodePayload(payload) == codable, "FastJSONWriter forgets a field: \(String(decoding: codable, as: UTF8.self))")
        let parsed = codable.withUnsafeBytes { VersionJSON.parsePayload($0) }
        #expect(parsed == payload, "FastJSONParser forgets a field (it refuses a key it does not read)")
        #expect(try MimamoriJSON.decode(DocumentPayload.self, from: codable) == payload)
    }
}
