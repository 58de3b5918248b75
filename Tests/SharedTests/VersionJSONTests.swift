import Foundation
import Testing
@testable import MimamoriShared

/// Random versions with every field varied, for comparing `VersionJSON` with the Codable path.
struct RandomVersions {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    static let pieces: [String] = [
        "a", "Z", "0", " ", "見守り", "山田 花子", "定期訪問。お元気そうでした。", "\"", "\\", "\n", "\t", "\r", "\u{8}", "\u{C}",
        "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "/", "</script>", "\u{2028}", "\u{2029}", "😀", "👨‍👩‍👧", "e\u{301}", "é", "\u{FEFF}",
        "\u{FFFF}", "{", "}", "[", "]", ":", ",", "\\u0041", "null", "true",
    ]

    mutating func text(max: Int = 6) -> String {
        (0..<Int.random(in: 0...max, using: &rng)).map { _ in RandomVersions.pieces.randomElement(using: &rng)! }.joined()
    }

    mutating func maybe<T>(_ make: (inout RandomVersions) -> T) -> T? {
        Bool.random(using: &rng) ? make(&self) : nil
    }

    mutating func code<C: CodeList>(_: C.Type) -> C {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return C(rawValue: "unknown_\(Int.random(in: 0..<100, using: &rng))")
        case 1: return C(rawValue: text(max: 2))
        default: return C.known.randomElement(using: &rng) ?? C(rawValue: "x")
        }
    }

    mutating func codes<C: CodeList>(_: C.Type) -> [C] {
        (0..<Int.random(in: 0...3, using: &rng)).map { _ in code(C.self) }
    }

    mutating func date() -> LocalDate {
        LocalDate(dayNumber: Int.random(in: LocalDate(year: 1, month: 1, day: 1)!.dayNumber...LocalDate(year: 9999, month: 12, day: 31)!.dayNumber, using: &rng))
    }

    mutating func int() -> Int {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: return Int.random(in: Int.min...Int.max, using: &rng)
        case 1: return [0, -1, Int.min, Int.max].randomElement(using: &rng)!
        default: return Int.random(in: -100...1000, using: &rng)
        }
    }

    mutating func counter() -> UInt64 {
        switch Int.random(in: 0..<6, using: &rng) {
        // JSON bodies carry whole numbers up to 2^63-1 (StrictJSON); the server refuses counters above 2^53.
        case 0: return UInt64.random(in: 0...UInt64(Int64.max), using: &rng)
        case 1: return [0, 1, 9, 10, 1 << 53, (1 << 53) + 1, UInt64(Int64.max)].randomElement(using: &rng)!
        default: return UInt64.random(in: 1...100_000, using: &rng)
        }
    }

    mutating func replica() -> String {
        ["replica-a", "a", "a9", "a10", "A", "Z", "_", "é", "日本", "b\"q", "", DocumentID.make(now: Date(), using: &rng)]
            .randomElement(using: &rng)!
    }

    mutating func visit() -> Visit {
        Visit(
            id: Bool.random(using: &rng) ? DocumentID.make(now: Date(), using: &rng) : text(),
            kind: code(VisitKind.self), method: code(ContactMethod.self), date: date(),
            time: maybe { LocalTime(hour: Int.random(in: 0...23, using: &$0.rng), minute: Int.random(in: 0...59, using: &$0.rng))! },
            durationMinutes: maybe { $0.int() }, visitorId: text(), visitorRole: code(VisitorRole.self),
            organization: maybe { $0.text() }, assistsMinseiId: maybe { $0.text() }, subjectId: text(), district: text(),
            outcome: code(Outcome.self), actions: codes(VisitAction.self), services: codes(NichijiService.self),
            concerns: codes(Concern.self), urgent: Bool.random(using: &rng), sharedAt: codes(SharingVenue.self),
            referral: maybe { $0.code(ReferralDestination.self) }, nextDue: maybe { $0.date() },
            planEvent: maybe { $0.code(PlanEvent.self) }, note: maybe { $0.text(max: 20) })
    }

    mutating func subject() -> Subject {
        Subject(id: text(), name: text(), district: text(), categories: codes(SubjectCategory.self),
                cadenceDays: maybe { $0.int() }, consentToShare: Bool.random(using: &rng), consentDate: maybe { $0.date() },
                active: Bool.random(using: &rng), note: maybe { $0.text(max: 20) })
    }

    mutating func timestamp() -> Timestamp {
        let lo = Int64(LocalDate(year: 1, month: 1, day: 1)!.dayNumber) * 86_400_000
        let hi = Int64(LocalDate(year: 9999, month: 12, day: 31)!.dayNumber + 1) * 86_400_000 - 1
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return Timestamp(milliseconds: Int64.random(in: lo...hi, using: &rng))
        case 1: return Timestamp(milliseconds: [0, -1, 1, lo, hi, 1_743_465_600_000].randomElement(using: &rng)!)
        default: return Timestamp(milliseconds: Int64.random(in: 1_600_000_000_000...1_900_000_000_000, using: &rng))
        }
    }

    mutating func activity() -> Activity {
        Activity(id: text(), category: code(ActivityCategory.self), date: date(), district: text(), count: int(),
                 visitorId: text(), visitorRole: code(VisitorRole.self), note: maybe { $0.text(max: 20) })
    }

    mutating func version() -> Version {
        var payload: DocumentPayload
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: payload = .subject(subject())
        case 1: payload = .activity(activity())
        default: payload = .visit(visit())
        }
        if Int.random(in: 0..<4, using: &rng) == 0 {
            payload = .erased(ErasedDocument(type: payload.type, id: payload.id, district: text()))
        }
        var counters: [String: UInt64] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &rng) { counters[replica()] = counter() }
        let dot = Dot(replica: replica(), counter: counter())
        return Version(documentId: Bool.random(using: &rng) ? payload.id : text(), payload: payload,
                       deleted: Int.random(in: 0..<4, using: &rng) == 0, vector: VersionVector(counters), dot: dot,
                       author: text(), writtenAt: timestamp())
    }
}

@Suite("Fast version JSON")
struct VersionJSONTests {
    static let seeds: [UInt64] = Array(1...40)

    @Test("encodes the same bytes as JSONEncoder, and decodes to what Codable decodes", arguments: seeds)
    func randomVersions(seed: UInt64) throws {
        var random = RandomVersions(seed: seed)
        for _ in 0..<100 {
            let v = random.version()
            let expected = try MimamoriJSON.encode(v)
            let fast = VersionJSON.encode(v)
            #expect(fast == expected, "\(String(decoding: expected, as: UTF8.self))\n\(String(decoding: fast, as: UTF8.self))")
            let parsed = expected.withUnsafeBytes { VersionJSON.parse($0) }
            #expect(parsed != nil, "fast path refused \(String(decoding: expected, as: UTF8.self))")
            #expect(parsed == (try MimamoriJSON.decode(Version.self, from: expected)))
            #expect(parsed == v)
            #expect(try VersionJSON.decode(expected) == v)

            // The same version pretty-printed: whitespace everywhere, keys still sorted.
            let pretty = try MimamoriJSON.encode(v, pretty: true)
            #expect(pretty.withUnsafeBytes { VersionJSON.parse($0) } == v)

            #expect(VersionJSON.encodePayload(v.payload) == (try MimamoriJSON.encode(v.payload)))
            #expect(try VersionJSON.decodePayload(try MimamoriJSON.encode(v.payload)) == v.payload)
        }
    }

    @Test("escapes exactly as JSONEncoder does")
    func escapes() throws {
        let all = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init)))
            + "\u{2028}\u{2029}\u{FEFF}é日本😀/"
        var random = RandomVersions(seed: 7)
        var visit = random.visit()
        visit.note = all
        visit.id = all
        let v = Version(payload: .visit(visit), vector: VersionVector([all: 3]), dot: Dot(replica: all, counter: 3),
                        author: all, writtenAt: Timestamp(milliseconds: 0))
        let expected = try MimamoriJSON.encode(v)
        #expect(VersionJSON.encode(v) == expected)
        #expect(expected.withUnsafeBytes { VersionJSON.parse($0) } == v)
    }

    @Test("escaped input decodes as Codable decodes it", arguments: [
        #"\u0041\u00e9\u65e5\ud83d\ude00\/\"\\\b\f\n\r\t"#,
        #"\u0000 \u001f \u2028 \uFEFF \uffff"#,
        "raw é 日本 😀 \u{7F}",
    ])
    func escapedInput(note: String) throws {
        let json = """
            {"author":"a\\u0020b","deleted":false,"documentId":"d","dot":{"counter":1,"replica":"r"},"payload":\
            {"type":"visit","visit":{"date":"2025-06-01","district":"nishi","id":"d","kind":"fureai_watch",\
            "method":"phone","note":"\(note)","outcome":"safety_confirmed","subjectId":"S-1","visitorId":"v",\
            "visitorRole":"fureai_member"}},"vector":{"r":1,"\\u0072\\u0032":0},"writtenAt":"2025-04-01T01:02:03.456Z"}
            """
        let data = Data(json.utf8)
        let codable = try MimamoriJSON.decode(Version.self, from: data)
        let fast = try #require(data.withUnsafeBytes { VersionJSON.parse($0) })
        #expect(fast == codable)
        #expect(fast.payload.visit?.note?.unicodeScalars.elementsEqual(codable.payload.visit!.note!.unicodeScalars) == true)
    }

    /// A valid version's JSON, for mutating into invalid ones.
    static let valid = """
        {"author":"visitor-1","deleted":false,"documentId":"d-1","dot":{"counter":2,"replica":"r"},\
        "payload":{"type":"visit","visit":{"actions":[],"concerns":["isolation"],"date":"2025-06-01","district":"nishi",\
        "durationMinutes":30,"id":"d-1","kind":"fureai_watch","method":"phone","note":"メモ","outcome":"safety_confirmed",\
        "services":[],"sharedAt":[],"subjectId":"S-1","time":"10:30","urgent":false,"visitorId":"v",\
        "visitorRole":"fureai_member"}},"vector":{"r":2,"s":1},"writtenAt":"2025-04-01T01:02:03.456Z"}
        """

    @Test("the valid sample takes the fast path")
    func validSample() throws {
        let data = Data(VersionJSONTests.valid.utf8)
        #expect(data.withUnsafeBytes { VersionJSON.parse($0) } == (try MimamoriJSON.decode(Version.self, from: data)))
    }

    @Test("what Codable rejects is rejected, with the same message", arguments: [
        (#""deleted":false"#, #""deleted":false,"extra":1"#),                 // unknown field
        (#""urgent":false"#, #""urgent":false,"kindd":"x""#),                 // unknown field in the visit
        (#""deleted":false"#, #""deleted":"no""#),                            // wrong type
        (#""durationMinutes":30"#, #""durationMinutes":"30""#),               // wrong type
        (#""durationMinutes":30"#, #""durationMinutes":30.5"#),               // fraction
        (#""date":"2025-06-01""#, #""date":"2025-02-30""#),                   // bad date
        (#""time":"10:30""#, #""time":"24:00""#),                             // bad time
        (#""writtenAt":"2025-04-01T01:02:03.456Z""#, #""writtenAt":"2025-04-01""#), // bad timestamp
        (#""vector":{"r":2,"s":1}"#, #""vector":{"r":2,"s":-1}"#),            // negative counter
        (#""counter":2"#, #""counter":-2"#),                                  // negative dot counter
        (#""author":"visitor-1","#, ""),                                      // missing required field
        (#""kind":"fureai_watch","#, ""),                                     // missing required field in the visit
        (#""type":"visit""#, #""type":"meeting""#),                           // unknown document type
        (#""type":"visit""#, #""type":"subject""#),                           // type without its body
        (#""note":"メモ""#, #""note":null"#),                                 // null (accepted by Codable: nil)
        (#""actions":[]"#, #""actions":[null]"#),                             // null in a list
        (#""vector":{"r":2,"s":1}"#, #""vector":{"r":2,"r":1}"#),             // duplicate key
        (#""counter":2"#, #""counter":18446744073709551616"#),                // overflow
        (#""note":"メモ""#, #""note":"\ud800""#),                             // lone surrogate
        (#""note":"メモ""#, "\"note\":\"a\tb\""),                             // raw control character
        (#""urgent":false"#, #""urgent":false,"dot":1"#),                     // a Version key inside the visit
        (#""deleted":false"#, #""deleted":false,"deleted":true"#),            // duplicated member
        (#"{"author""#, #"[{"author""#),                                     // not an object
    ] as [(String, String)])
    func rejects(_ replace: (String, String)) throws {
        let text = VersionJSONTests.valid.replacingOccurrences(of: replace.0, with: replace.1)
        #expect(text != VersionJSONTests.valid)
        let data = Data(text.utf8)
        let fast = data.withUnsafeBytes { VersionJSON.parse($0) }
        let codable = Result { try MimamoriJSON.decode(Version.self, from: data) }
        switch codable {
        case let .success(v):
            // Codable accepts a few of these (null for an optional, a Version key Codable ignores): the fast
            // path may refuse them, but never give another value.
            if let fast { #expect(fast == v) }
            #expect(try VersionJSON.decode(data) == v)
        case let .failure(error):
            #expect(fast == nil)
            #expect(throws: (any Error).self) { try VersionJSON.decode(data) }
            do { _ = try VersionJSON.decode(data) } catch let fastError {
                #expect(MimamoriJSON.describe(fastError) == MimamoriJSON.describe(error))
            }
        }
    }

    @Test("push requests and changes pages encode and decode as Codable does", arguments: [UInt64(1), 2, 3])
    func envelopes(seed: UInt64) throws {
        var random = RandomVersions(seed: seed)
        let versions = (0..<Int(seed) * 5).map { _ in random.version() }
        let push = PushRequest(batchId: random.text(), replicaId: random.text(), versions: versions)
        let pushJSON = try MimamoriJSON.encode(push)
        #expect(MimamoriJSON.encodePush(push) == pushJSON)
        // The server hashes a batch as its versions' canonical JSON spliced: the bytes encoding the request gave
        // (and gave the hashes of batches stored before), so a retry of an old batch is still recognised.
        #expect(MimamoriJSON.encodePush(batchId: push.batchId, replicaId: push.replicaId, versionJSON: versions.map(VersionJSON.encode)) == pushJSON)
        #expect(try MimamoriJSON.decodePush(pushJSON) == push)
        #expect(try MimamoriJSON.decodePush(try MimamoriJSON.encode(push, pretty: true)) == push)
        // The server reads a body in place, as bytes: the same request, by the fast path or Codable's.
        #expect(try pushJSON.withUnsafeBytes { try MimamoriJSON.decodePush($0) } == push)
        #expect(try MimamoriJSON.encode(push, pretty: true).withUnsafeBytes { try MimamoriJSON.decodePush($0) } == push)

        let changes = ChangesResponse(
            epoch: random.text(),
            changes: versions.enumerated().map {
                DocumentChange(sequence: Int64($0.offset) * 7 - 3, documentId: $0.element.documentId, type: $0.element.type,
                               versions: [$0.element, random.version()])
            },
            nextSince: Int64(seed) * 1000, hasMore: seed % 2 == 0)
        let reply = PushResponse(batchId: random.text(), epoch: random.text(), results: versions.map {
            PushResult(documentId: $0.documentId, dot: $0.dot, outcome: [.new, .known, .conflict, .rejected].randomElement(using: &random.rng)!,
                       code: random.maybe { $0.text() }, message: random.maybe { $0.text(max: 20) })
        })
        let replyJSON = try MimamoriJSON.encode(reply)
        #expect(MimamoriJSON.encodePushResponse(reply) == replyJSON)
        #expect(try MimamoriJSON.decodePushResponse(replyJSON) == reply)
        #expect(try MimamoriJSON.decodePushResponse(try MimamoriJSON.encode(reply, pretty: true)) == reply)

        let changesJSON = try MimamoriJSON.encode(changes)
        #expect(MimamoriJSON.encodeChanges(changes) == changesJSON)
        #expect(try MimamoriJSON.decodeChanges(changesJSON) == changes)
        #expect(try MimamoriJSON.decodeChanges(try MimamoriJSON.encode(changes, pretty: true)) == changes)
    }

    @Test("envelope errors are Codable's", arguments: [
        #"{"batchId":"b","replicaId":"r","versions":[],"extra":1}"#,
        #"{"batchId":"b","versions":[]}"#,
        #"{"batchId":"b","replicaId":"r","versions":[{"author":1}]}"#,
    ])
    func envelopeErrors(json: String) throws {
        let data = Data(json.utf8)
        let codable = Result { try MimamoriJSON.decode(PushRequest.self, from: data) }
        let fast = Result { try MimamoriJSON.decodePush(data) }
        let inPlace = Result { try data.withUnsafeBytes { try MimamoriJSON.decodePush($0) } }
        switch (codable, fast, inPlace) {
        case let (.failure(a), .failure(b), .failure(c)):
            #expect(MimamoriJSON.describe(a) == MimamoriJSON.describe(b))
            #expect(MimamoriJSON.describe(a) == MimamoriJSON.describe(c))
        default: Issue.record("expected all to fail: \(codable) \(fast) \(inPlace)")
        }
    }
}
