import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import Testing

/// Requests an attacker with an ordinary token would send: malformed, nested, huge, repeated keys, wrong
/// types, control characters, invalid UTF-8, foreign dots, every limit ± 1, a reused batch id, district
/// moves. Each is refused with a JSON message naming the field — a 4xx, or, for a version the batch could
/// carry on without, a 200 whose result is `rejected` (SYNC.md: one bad record never stalls a queue) — the
/// server keeps answering, and the database stays byte for byte as it was. The "at the limit" cases are
/// accepted, and only they change it.
@Suite("Hostile input corpus")
struct HostileCorpusTests {
    /// One hostile request and what must come of it.
    struct Case: Sendable {
        var name: String
        var method: HTTPRequest.Method = .post
        var path: String = API.pushPath
        var headers: [String: String] = [:]
        var body: [UInt8]?
        /// Words the message must contain (the field, and what is wrong).
        var mentions: [String]
        /// An at-the-limit case: it must be accepted (`new`).
        var accepted = false
        /// The status when it is not a push result: any 4xx if nil.
        var status: HTTPResponse.Status?
    }

    // MARK: Building bodies

    static let replica = "replica-h"

    static func visit(_ id: String, note: String? = nil, change: (inout Visit) -> Void = { _ in }) -> Version {
        guard case var .visit(v) = Fixture.visit(id, note: note) else { fatalError() }
        change(&v)
        return Fixture.create(.visit(v), replica: replica, counter: 1000)
    }

    static func push(_ versions: [Version], batchId: String = "batch") -> String {
        String(decoding: MimamoriJSON.encodePush(PushRequest(batchId: batchId, replicaId: replica, versions: versions)), as: UTF8.self)
    }

    /// A good push body (visit `hostile-1`), canonical: fields in sorted order, so text edits are predictable.
    static let good = push([visit("hostile-1")])

    static func edited(_ old: String, _ new: String, in body: String = good) -> [UInt8] {
        precondition(body.contains(old), "corpus edit: '\(old)' not in body")
        return Array(body.replacingOccurrences(of: old, with: new).utf8)
    }

    /// The good body with one change to its version, through JSONSerialization (for values no text edit reaches).
    static func withVersion(_ change: (inout [String: Any]) -> Void) -> [UInt8] {
        var body = try! JSONSerialization.jsonObject(with: Data(good.utf8)) as! [String: Any]
        var versions = body["versions"] as! [[String: Any]]
        change(&versions[0])
        body["versions"] = versions
        return Array(try! JSONSerialization.data(withJSONObject: body))
    }

    /// `bytes` with the first `old` replaced by `new`, byte for byte (the input may not be UTF-8).
    static func replacingFirst(_ old: [UInt8], with new: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard old.count <= bytes.count else { return bytes }
        for start in 0...(bytes.count - old.count) where bytes[start..<(start + old.count)].elementsEqual(old) {
            return Array(bytes[..<start]) + new + Array(bytes[(start + old.count)...])
        }
        return bytes
    }

    // MARK: The corpus

    static let cases: [Case] = {
        var cases: [Case] = []
        func add(_ name: String, _ body: [UInt8], _ mentions: [String], status: HTTPResponse.Status? = nil) {
            cases.append(Case(name: name, body: body, mentions: mentions, status: status))
        }
        let goodBytes = Array(good.utf8)

        // Malformed: every way of cutting a good body short, and things that are not a push at all.
        for cut in stride(from: 0, to: goodBytes.count - 1, by: max(1, goodBytes.count / 24)) {
            add("truncated at byte \(cut)", Array(goodBytes.prefix(cut)), ["body"])
        }
        for (name, text) in [("null", "null"), ("array", "[]"), ("string", #""push""#), ("number", "42"), ("true", "true"),
                             ("trailing garbage", good + "}"), ("two objects", good + good),
                             ("single quotes", good.replacingOccurrences(of: "\"", with: "'")),
                             ("comment", "/* */" + good), ("NaN", #"{"batchId":NaN}"#), ("bare word", "push")] {
            add("not a push: \(name)", Array(text.utf8), ["body"])
        }
        add("empty object", Array("{}".utf8), ["batchId", "missing"])
        add("nested 10,000 arrays deep", Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8), ["nested"])
        add("nested objects in a visit", edited(#""note":"#, #""x":{"y":{"z":{}}},"note":"#, in: push([visit("hostile-1", note: "n")])), ["'x'"])
        add("deep nesting inside versions", Array((#"{"batchId":"b","replicaId":"replica-h","versions":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}").utf8), ["nested"])

        // Repeated keys, at every level: whoever reads the last one would see another record.
        for (field, old, new) in [
            ("batchId", #""batchId":"batch""#, #""batchId":"batch","batchId":"other""#),
            ("replicaId", #""replicaId":"replica-h""#, #""replicaId":"replica-h","replicaId":"replica-x""#),
            ("author", #""author":"v-yamada""#, #""author":"v-yamada","author":"v-other""#),
            ("documentId", #""documentId":"hostile-1""#, #""documentId":"hostile-1","documentId":"hostile-2""#),
            ("district", #""district":"nishi""#, #""district":"nishi","district":"higashi""#),
            ("type", #""type":"visit""#, #""type":"visit","type":"subject""#),
            ("counter", #""counter":1000"#, #""counter":1000,"counter":1001"#),
            ("replica-h", #""vector":{"replica-h":1000}"#, #""vector":{"replica-h":1000,"replica-h":1}"#),
            ("deleted", #""deleted":false"#, #""deleted":false,"deleted":true"#),
            ("note", #""kind":"#, #""note":"a","note":"b","kind":"#),
            ("district (escaped)", #""district":"nishi""#, #""district":"nishi","distr\u0069ct":"higashi""#),
            ("versions", #""versions":["#, #""versions":[],"versions":["#),
        ] {
            add("repeated key \(field)", edited(old, new), [String(field.prefix { $0 != " " }), "more than once"])
        }

        // Wrong types for every field of a visit, a version and the envelope.
        // (null is "absent" for the optional lists and flags, as it always was, so only required fields get null.)
        let visitFields: [(String, String, Bool)] = [
            ("id", #""hostile-1""#, true), ("kind", #""fureai_watch""#, true), ("method", #""home_visit""#, true),
            ("date", #""2025-06-01""#, true), ("visitorId", #""v-yamada""#, true), ("visitorRole", #""fureai_member""#, true),
            ("subjectId", #""S-0001""#, true), ("district", #""nishi""#, true), ("outcome", #""safety_confirmed""#, true),
            ("actions", "[]", false), ("services", "[]", false), ("concerns", "[]", false), ("sharedAt", "[]", false),
            ("urgent", "false", false),
        ]
        for (field, value, required) in visitFields {
            let wrongs = value.hasPrefix("\"") ? ["1", "true", "{}", "[]"] : value == "[]" ? ["1", "true", "{}", #""x""#] : ["1", #""true""#, "{}", "[]"]
            for wrong in wrongs {
                add("visit.\(field) as \(wrong)", edited(#""\#(field)":\#(value)"#, #""\#(field)":\#(wrong)"#), [field])
            }
            if required {
                add("visit.\(field) null", edited(#""\#(field)":\#(value)"#, #""\#(field)":null"#), [field])
            }
        }
        for (field, wrong) in [("durationMinutes", #""30""#), ("durationMinutes", "true"), ("time", "930"), ("nextDue", "20250601"),
                               ("referral", "[]"), ("planEvent", "1"), ("organization", "{}"), ("assistsMinseiId", "7"), ("note", "[]")] {
            add("visit.\(field) as \(wrong)", edited(#""kind":"#, #""\#(field)":\#(wrong),"kind":"#), [field])
        }
        for (field, old, wrong) in [("author", #""author":"v-yamada""#, #""author":1"#),
                                    ("deleted", #""deleted":false"#, #""deleted":"no""#),
                                    ("vector", #""vector":{"replica-h":1000}"#, #""vector":["replica-h",1000]"#),
                                    ("dot", #""dot":{"counter":1000,"replica":"replica-h"}"#, #""dot":"replica-h#1000""#),
                                    ("batchId", #""batchId":"batch""#, #""batchId":7"#),
                                    ("replicaId", #""replicaId":"replica-h""#, #""replicaId":null"#)] {
            add("\(field) of the wrong type", edited(old, wrong), [field])
        }
        for (field, wrong) in [("writtenAt", 1_750_000_001_000 as Any), ("writtenAt", "yesterday"), ("writtenAt", "2025-06-01"),
                               ("payload", "visit"), ("payload", [1, 2]), ("documentId", ["a"]), ("vector", "{}")] {
            add("\(field) as \(wrong)", withVersion { $0[field] = wrong }, [field])
        }
        add("versions as an object", Array(try! JSONSerialization.data(withJSONObject: ["batchId": "batch", "replicaId": replica, "versions": ["a": 1]])), ["versions"])

        // Unknown fields anywhere in a version are refused, not stored.
        for (place, old, new, mention) in [
            ("request", #""batchId":"#, #""extra":1,"batchId":"#, "extra"),
            ("version", #""author":"#, #""extra":1,"author":"#, "extra"),
            ("payload", #""type":"visit""#, #""type":"visit","extra":{}"#, "extra"),
            ("visit", #""kind":"#, #""extra":"x","kind":"#, "extra"),
            ("dot", #""dot":{"#, #""dot":{"extra":true,"#, "extra"),
            ("visit payload carrying a subject", #""type":"visit""#, #""subject":{"id":"x","name":"佐藤","district":"nishi"},"type":"visit""#, "subject"),
            ("visit payload carrying a junk subject", #""type":"visit""#, #""subject":{"anything":[1,2,3]},"type":"visit""#, "subject"),
        ] {
            add("unknown field in the \(place)", edited(old, new), [mention])
        }
        let subjectBody = push([Fixture.create(Fixture.subject("S-9"), replica: replica, counter: 1000)])
        add("subject payload carrying a visit", edited(#""type":"subject""#, #""type":"subject","visit":{}"#, in: subjectBody), ["visit"])
        add("unknown field in a subject", edited(#""name":"#, #""secret":"x","name":"#, in: subjectBody), ["secret"])
        add("unknown document type", edited(#""type":"visit","visit""#, #""type":"memo","visit""#), ["memo"])

        // Numbers: counters are whole numbers from 1 to 2^53, written as such.
        for (name, old, new, mention) in [
            ("counter 1.0", #""counter":1000"#, #""counter":1000.0"#, "counter"),
            ("counter 1e3", #""counter":1000"#, #""counter":1e3"#, "counter"),
            ("counter 1E3", #""counter":1000"#, #""counter":1E3"#, "counter"),
            ("counter -1", #""counter":1000"#, #""counter":-1"#, "dot"),
            ("counter 2^64", #""counter":1000"#, #""counter":18446744073709551616"#, "counter"),
            ("vector 1000.0", #""replica-h":1000}"#, #""replica-h":1000.0}"#, "replica-h"),
            ("vector -5", #""replica-h":1000}"#, #""replica-h":-5}"#, "vector"),
            ("vector 1e400", #""replica-h":1000}"#, #""replica-h":1e400}"#, "replica-h"),
            ("duration 30.5", #""kind":"#, #""durationMinutes":30.5,"kind":"#, "durationMinutes"),
            ("duration 2^63", #""kind":"#, #""durationMinutes":9223372036854775808,"kind":"#, "durationMinutes"),
        ] {
            add("number: \(name)", edited(old, new), [mention])
        }

        // Control characters and invalid UTF-8.
        add("raw control character in a string", edited(#""district":"nishi""#, "\"district\":\"ni\u{01}shi\""), ["district", "control"])
        add("raw newline in a string", edited(#""author":"v-yamada""#, "\"author\":\"v-\nyamada\""), ["author", "control"])
        let noted = push([visit("hostile-1", note: "QQQQ")])
        add("invalid UTF-8 in a note", replacingFirst(Array("QQQQ".utf8), with: [0xFF, 0xFE, 0x80], in: Array(noted.utf8)), ["note", "UTF-8"])
        add("overlong UTF-8 in a note", replacingFirst(Array("QQQQ".utf8), with: [0xC0, 0xAF], in: Array(noted.utf8)), ["note", "UTF-8"])
        add("lone high surrogate in a note", edited(#""note":"QQQQ""#, #""note":"\ud800""#, in: noted), ["note", "surrogate"])
        add("lone low surrogate in a note", edited(#""note":"QQQQ""#, #""note":"\udc00x""#, in: noted), ["note", "surrogate"])
        for (field, value) in [("district", "nishi"), ("visitorId", "v-yamada"), ("author", "v-yamada")] {
            for control in ["\\u0000", "\\u001b", "\\u007f", "\\n", "\\u0085"] {
                add("control \(control) in \(field)", edited(#""\#(field)":"\#(value)""#, #""\#(field)":"\#(value)\#(control)""#),
                    [field == "visitorId" ? "visitor-id" : field])
            }
        }
        add("NUL in a note", edited(#""note":"QQQQ""#, #""note":"Q\u0000Q""#, in: noted), ["note"])
        add("escape in a note", edited(#""note":"QQQQ""#, #""note":"\u001b[2J""#, in: noted), ["note"])

        // Every limit, one over (the at-limit cases follow as accepted ones).
        let combining = String(repeating: "\u{301}", count: 7999)
        for (name, version, mention) in [
            ("note of 4001 characters", visit("hostile-1", note: String(repeating: "あ", count: 4001)), "note"),
            ("note of 16001 bytes in one character", visit("hostile-1", note: "ee" + combining + "e"), "note"),
            ("organization of 201 characters", visit("hostile-1") { $0.organization = String(repeating: "会", count: 201) }, "organization"),
            ("organization of 801 bytes", visit("hostile-1") { $0.organization = "a" + String(repeating: "\u{301}", count: 400) }, "organization"),
            ("visitorId of 65 characters", visit("hostile-1") { $0.visitorId = String(repeating: "v", count: 65) }, "visitor-id"),
            ("visitorId of 257 bytes", visit("hostile-1") { $0.visitorId = "v" + String(repeating: "\u{301}", count: 128) }, "visitor-id"),
            ("assists of 65 characters", visit("hostile-1") { $0.assistsMinseiId = String(repeating: "m", count: 65) }, "assists"),
            ("district of 65 characters", visit("hostile-1") { $0.district = String(repeating: "d", count: 65) }, "district"),
            ("33 concerns", visit("hostile-1") { $0.concerns = (0..<33).map { Concern(rawValue: "c\($0)") } }, "concern"),
            ("33 actions", visit("hostile-1") { $0.actions = (0..<33).map { VisitAction(rawValue: "a\($0)") } }, "action"),
            ("code of 41 characters", visit("hostile-1") { $0.outcome = Outcome(rawValue: String(repeating: "o", count: 41)) }, "outcome"),
            ("code in capitals", visit("hostile-1") { $0.kind = VisitKind(rawValue: "Fureai_Watch") }, "kind"),
            ("code with a hyphen", visit("hostile-1") { $0.method = ContactMethod(rawValue: "home-visit") }, "method"),
            ("free text as a code", visit("hostile-1") { $0.outcome = Outcome(rawValue: "佐藤一郎_認知症の疑い") }, "outcome"),
            ("empty code", visit("hostile-1") { $0.referral = ReferralDestination(rawValue: "") }, "referral"),
            ("duplicate concern", visit("hostile-1") { $0.concerns = ["isolation", "isolation"] }, "concern"),
            ("duration 0", visit("hostile-1") { $0.durationMinutes = 0 }, "duration-min"),
            ("duration 1441", visit("hostile-1") { $0.durationMinutes = 1441 }, "duration-min"),
            ("date before 2000", visit("hostile-1") { $0.date = LocalDate("1999-12-31")! }, "date"),
            ("date in the future", visit("hostile-1") { $0.date = LocalDate("2030-01-01")! }, "date"),
            ("next due before the visit", visit("hostile-1") { $0.nextDue = LocalDate("2025-05-31")! }, "next-due"),
            ("blank visitor id", visit("hostile-1") { $0.visitorId = "   " }, "visitor-id"),
            ("subject id with a slash", visit("hostile-1") { $0.subjectId = "S/../1" }, "subject"),
        ] as [(String, Version, String)] {
            add("limit: \(name)", Array(push([version]).utf8), [mention])
        }
        func subjectVersion(_ change: (inout Subject) -> Void) -> Version {
            guard case var .subject(s) = Fixture.subject("S-9") else { fatalError() }
            change(&s)
            return Fixture.create(.subject(s), replica: replica, counter: 1000)
        }
        for (name, version, mention) in [
            ("name of 201 characters", subjectVersion { $0.name = String(repeating: "佐", count: 201) }, "name"),
            ("name of 801 bytes", subjectVersion { $0.name = "a" + String(repeating: "\u{301}", count: 400) }, "name"),
            ("blank name", subjectVersion { $0.name = " \t" }, "name"),
            ("33 categories", subjectVersion { $0.categories = (0..<33).map { SubjectCategory(rawValue: "k\($0)") } }, "category"),
            ("cadence 0", subjectVersion { $0.cadenceDays = 0 }, "cadence-days"),
            ("cadence 367", subjectVersion { $0.cadenceDays = 367 }, "cadence-days"),
            ("consent date without consent", subjectVersion { $0.consentDate = LocalDate("2025-01-01")! }, "consent-date"),
        ] as [(String, Version, String)] {
            add("limit: subject \(name)", Array(push([version]).utf8), [mention])
        }
        let longAuthor = Version(payload: Fixture.visit("hostile-1"), vector: VersionVector([replica: 1000]),
                                 dot: Dot(replica: replica, counter: 1000), author: String(repeating: "a", count: 65),
                                 writtenAt: Timestamp(milliseconds: 0))
        add("limit: author of 65 characters", Array(push([longAuthor]).utf8), ["author"])
        add("limit: megabyte author", edited(#""author":"v-yamada""#, #""author":"\#(String(repeating: "x", count: 1 << 20))""#), ["author"])
        let megabyte = String(repeating: "9", count: 1 << 20)
        add("limit: megabyte date", edited(#""date":"2025-06-01""#, #""date":"\#(megabyte)""#), ["date"])
        add("limit: megabyte time", edited(#""kind":"#, #""time":"\#(megabyte)","kind":"#), ["time"])
        add("limit: megabyte writtenAt", withVersion { $0["writtenAt"] = megabyte }, ["writtenAt"])
        add("limit: dot replica of combining marks", edited(#""replica":"replica-h""#, #""replica":"r\#(String(repeating: "\u{301}", count: 100_000))""#), ["dot"])
        add("limit: batchId of 129 characters", Array(push([visit("hostile-1")], batchId: String(repeating: "b", count: 129)).utf8), ["batchId"])
        add("limit: batchId with a space", Array(push([visit("hostile-1")], batchId: "a b").utf8), ["batchId"])

        // Vectors and dots: replica ids and counters as the grammar says, and only one's own dots.
        func vectorVersion(_ counters: [String: UInt64], dot: Dot = Dot(replica: replica, counter: 1000)) -> Version {
            Version(payload: Fixture.visit("hostile-1"), vector: VersionVector(counters), dot: dot, author: "v-yamada",
                    writtenAt: Timestamp(milliseconds: 1_750_000_000_000))
        }
        var many: [String: UInt64] = [replica: 1000]
        for i in 0..<Limits.vectorEntries { many["fake-\(i)"] = 1 }
        add("vector of 257 entries", Array(push([vectorVersion(many)]).utf8), ["vector", "\(Limits.vectorEntries)"])
        var huge: [String: UInt64] = [replica: 1000]
        for i in 0..<20_000 { huge["r\(i)"] = 1 }
        add("vector of 20,000 fake replicas", Array(push([vectorVersion(huge)]).utf8), ["vector"])
        add("vector key of 100 KB", Array(push([vectorVersion([replica: 1000, String(repeating: "k", count: 100_000): 1])]).utf8), ["vector"])
        add("vector key with a slash", Array(push([vectorVersion([replica: 1000, "a/b": 1])]).utf8), ["vector"])
        add("vector key in Japanese", Array(push([vectorVersion([replica: 1000, "佐藤": 1])]).utf8), ["vector"])
        add("vector key empty", edited(#""vector":{"replica-h":1000}"#, #""vector":{"":1,"replica-h":1000}"#), ["vector"])
        add("foreign dot", Array(push([vectorVersion(["replica-z": 5], dot: Dot(replica: "replica-z", counter: 5))]).utf8), ["replica-z"])
        add("dot not in its vector", Array(push([vectorVersion([replica: 999])]).utf8), ["dot"])
        add("dot counter 0", Array(push([vectorVersion([replica: 1000], dot: Dot(replica: replica, counter: 0))]).utf8), ["dot"])
        add("counter above 2^53", Array(push([vectorVersion([replica: (1 << 53) + 1], dot: Dot(replica: replica, counter: (1 << 53) + 1))]).utf8), ["dot"])
        add("vector claims unseen writes", Array(push([vectorVersion([replica: 1000, "replica-y": 7])]).utf8), ["replica-y"])
        add("dot replica with a space", edited(#""replica":"replica-h""#, #""replica":"replica h""#), ["dot"])
        add("documentId not the payload's", edited(#""documentId":"hostile-1""#, #""documentId":"hostile-2""#), ["documentId"])

        // Deleting erases: a tombstone carries only type, id and district; an erased payload only in a tombstone.
        let full = visit("hostile-1", note: "認知症の疑い")
        let withContent = Version(payload: full.payload, deleted: true, vector: full.vector, dot: full.dot, author: full.author,
                                  writtenAt: full.writtenAt)
        add("tombstone carrying the note", Array(push([withContent]).utf8), ["payload", "erased"])
        let erasedLive = Version(payload: full.payload.erased, vector: full.vector, dot: full.dot, author: full.author, writtenAt: full.writtenAt)
        add("erased payload on a live version", Array(push([erasedLive]).utf8), ["payload", "tombstone"])
        let tombstone = Version(payload: full.payload.erased, deleted: true, vector: full.vector, dot: full.dot, author: full.author,
                                writtenAt: full.writtenAt)
        let tombstoneBody = push([tombstone])
        add("erased payload with a note", edited(#""id":"hostile-1"}"#, #""id":"hostile-1","note":"x"}"#, in: tombstoneBody), ["note"])
        add("erased payload beside a visit", edited(#""type":"visit""#, #""type":"visit","visit":{}"#, in: tombstoneBody), ["visit"])
        add("erased payload of an unknown type", edited(#""type":"visit""#, #""type":"memo""#, in: tombstoneBody), ["memo"])
        add("erased payload with a bad district", edited(#""district":"nishi""#, #""district":"\u0000""#, in: tombstoneBody), ["district"])

        // District moves and scope: the visitor covers nishi only.
        add("visit in another district", Array(push([visit("hostile-1") { $0.district = "higashi" }]).utf8), ["higashi"])
        // hostile-0 is stored (nishi) before the corpus runs: a visitor may not move it, into a district it covers or not.
        let stored = visit("hostile-0")
        let moveAway = try! Fixture.edit([stored], Fixture.visit("hostile-0", district: "higashi"), replica: replica, counter: 1001)
        add("visitor moving a stored visit out of its district", Array(push([moveAway]).utf8), ["higashi"])
        let moveStale = Version(payload: Fixture.visit("hostile-0", district: "higashi"), vector: VersionVector([replica: 1001]),
                                dot: Dot(replica: replica, counter: 1001), author: "v-yamada", writtenAt: Timestamp(milliseconds: 0))
        add("move that ignores the stored version", Array(push([moveStale]).utf8), ["higashi"])

        // The envelope's own fields.
        add("empty batchId", edited(#""batchId":"batch""#, #""batchId":"""#), ["batchId"])
        add("replicaId with a slash", edited(#""replicaId":"replica-h""#, #""replicaId":"../etc""#), ["replicaId"])
        add("1001 versions", Array(push(Array(repeating: visit("hostile-1"), count: API.maxBatchSize + 1)).utf8), ["versions"], status: .contentTooLarge)
        add("missing versions", edited(#","versions":["#, #","x":["#), ["x"])

        // Headers and methods.
        for (name, header, value, mention) in [
            ("text/plain", "Content-Type", "text/plain", "Content-Type"),
            ("form", "Content-Type", "application/x-www-form-urlencoded", "Content-Type"),
            ("xml", "Content-Type", "application/xml", "Content-Type"),
            ("gzip", "Content-Encoding", "gzip", "Content-Encoding"),
            ("deflate", "Content-Encoding", "deflate", "Content-Encoding"),
            ("br", "Content-Encoding", "br", "Content-Encoding"),
            ("replica header differs", API.replicaHeader, "replica-x", API.replicaHeader),
        ] {
            cases.append(Case(name: "header \(name)", headers: [header: value], body: goodBytes, mentions: [mention]))
        }
        for (method, path) in [(HTTPRequest.Method.delete, API.pushPath), (.put, API.pushPath), (.get, API.pushPath),
                               (.post, API.changesPath), (.delete, API.totalsPath), (.patch, API.healthPath), (.post, "/v1/tokens")] {
            cases.append(Case(name: "\(method) \(path)", method: method, path: path, mentions: [path], status: .methodNotAllowed))
        }

        // Query parameters: each refused with its name and range.
        for asOf in ["9999-12-31", "0001-01-16", "2101-04-01", "2000-03-31", "abc", "2025-13-01", "2025-02-30", "", "２０２５-０４-０１",
                     "2025-4-1", "+2025-04-01", String(repeating: "9", count: 5000)] {
            let q = asOf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            cases.append(Case(name: "asOf=\(asOf.prefix(12))", method: .get, path: API.totalsPath + "?asOf=\(q)", mentions: ["asOf", "2000-04-01"],
                              status: .badRequest))
        }
        for fy in ["1999", "2101", "x", "-1", "99999999999999999999", "2025.0", ""] {
            cases.append(Case(name: "fy=\(fy)", method: .get, path: API.totalsPath + "?fy=\(fy)", mentions: ["fy", "2100"], status: .badRequest))
        }
        for lang in ["fr", "JA", ""] {
            cases.append(Case(name: "lang=\(lang)", method: .get, path: API.totalsPath + "?lang=\(lang)", mentions: ["lang"], status: .badRequest))
        }
        for since in ["-1", "x", "9223372036854775808", "", "1.5"] {
            cases.append(Case(name: "since=\(since)", method: .get, path: API.changesPath + "?since=\(since)",
                              headers: [API.replicaHeader: replica], mentions: ["since"], status: .badRequest))
        }
        for limit in ["0", "5001", "x", "-1", "1e3"] {
            cases.append(Case(name: "limit=\(limit)", method: .get, path: API.changesPath + "?since=0&limit=\(limit)",
                              headers: [API.replicaHeader: replica], mentions: ["limit"], status: .badRequest))
        }
        for types in ["", "visit,", "Visit", "visit;subject", String(repeating: "visit,", count: 20) + "visit"] {
            cases.append(Case(name: "types=\(types)", method: .get, path: API.changesPath + "?since=0&types=\(types)",
                              headers: [API.replicaHeader: replica], mentions: ["types"], status: .badRequest))
        }
        cases.append(Case(name: "pull without a replica header", method: .get, path: API.changesPath + "?since=0",
                          mentions: [API.replicaHeader], status: .badRequest))
        cases.append(Case(name: "pull with a bad replica header", method: .get, path: API.changesPath + "?since=0",
                          headers: [API.replicaHeader: "a b"], mentions: ["replicaId"], status: .badRequest))
        cases.append(Case(name: "pull as another replica", method: .get, path: API.changesPath + "?since=0",
                          headers: [API.replicaHeader: "replica-other"], mentions: ["replica-other"], status: .forbidden))
        cases.append(Case(name: "pull without since", method: .get, path: API.changesPath,
                          headers: [API.replicaHeader: replica], mentions: ["since"], status: .badRequest))

        // At the limits: accepted, and the only cases that may change the database.
        var n = 0
        func accept(_ name: String, _ change: (inout Visit) -> Void) {
            n += 1
            var c = Case(name: "at the limit: \(name)", body: Array(push([visit("hostile-ok-\(n)", change: change)], batchId: "ok-\(n)").utf8),
                         mentions: [])
            c.accepted = true
            cases.append(c)
        }
        accept("note of 4000 characters") { $0.note = String(repeating: "あ", count: 4000) }
        accept("note of 16000 bytes") { $0.note = "ee" + combining }
        accept("organization of 200 characters") { $0.organization = String(repeating: "会", count: 200) }
        accept("visitorId of 64 characters") { $0.visitorId = String(repeating: "v", count: 64) }
        accept("32 concerns") { $0.concerns = (0..<32).map { Concern(rawValue: "c\($0)") } }
        accept("code of 40 characters") { $0.outcome = Outcome(rawValue: String(repeating: "o", count: 40)) }
        accept("duration 1440") { $0.durationMinutes = 1440 }
        accept("note with line breaks and tabs") { $0.note = "一行目\n\t二行目" }

        // Activities (活動記録): the same strictness — count, category, members of another type.
        let activityVersion = Fixture.create(.activity(Activity(id: "hostile-act", category: "survey", date: LocalDate("2025-06-01")!,
                                                                district: "nishi", count: 2, visitorId: "m-1", visitorRole: .minseiIin)),
                                             replica: replica, counter: 1000)
        let activityBody = push([activityVersion])
        for (name, wrong, mentions) in [("count 0", "0", ["count", "1 to 99"]), ("count 100", "100", ["count", "1 to 99"]),
                                        ("count -1", "-1", ["count"]), ("count 2^63", "9223372036854775808", ["count"]),
                                        ("count 1e2", "1e2", ["count"]), ("count 2.5", "2.5", ["count"]), ("count as text", #""2""#, ["count"]),
                                        ("count null", "null", ["count"])] {
            add("activity \(name)", edited(#""count":2"#, #""count":\#(wrong)"#, in: activityBody), mentions)
        }
        add("activity without a count", edited(#""count":2,"#, "", in: activityBody), ["count"])
        add("activity with a subject", edited(#""count":2"#, #""count":2,"subjectId":"S-0001""#, in: activityBody), ["subjectId"])
        add("activity beside a visit member", edited(#""type":"activity""#, #""type":"activity","visit":{}"#, in: activityBody), ["visit"])
        add("activity with a bad category", edited(#""category":"survey""#, #""category":"Survey!""#, in: activityBody), ["activity-category"])
        add("activity in another district", edited(#""district":"nishi""#, #""district":"higashi""#, in: activityBody), ["higashi"])
        add("activity in the future", edited(#""date":"2025-06-01""#, #""date":"2031-01-01""#, in: activityBody), ["date"])
        var goodActivity = Case(name: "activity with count 99", body: edited(#""count":2"#, #""count":99"#, in: activityBody), mentions: [])
        goodActivity.accepted = true
        cases.append(goodActivity)

        // A batch id reused for other content: 409, and nothing of the second batch stored.
        var first = Case(name: "batch id used first", body: Array(push([visit("hostile-reuse-1")], batchId: "reuse").utf8), mentions: [])
        first.accepted = true
        cases.append(first)
        cases.append(Case(name: "batch id reused with other content", body: Array(push([visit("hostile-reuse-2")], batchId: "reuse").utf8),
                          mentions: ["batchId", "other content"], status: .conflict))
        return cases
    }()

    // MARK: Running it

    /// Every table, every row, as text: what "byte for byte unchanged" is checked against.
    static func dump(_ store: SQLiteSyncStore, skipping: Set<String> = []) async throws -> [String: [String]] {
        try await store.writer.read { db in
            var result: [String: [String]] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            where !skipping.contains(table) {
                result[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map(\.description).sorted()
            }
            return result
        }
    }

    @Test("the corpus has at least 200 distinct requests")
    func size() {
        #expect(Self.cases.count >= 200, "\(Self.cases.count) cases")
        let repeated = Dictionary(grouping: Self.cases.map(\.name), by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(repeated.isEmpty, "case names repeat: \(repeated)")
        // Distinct requests, not just distinct names.
        #expect(Set(Self.cases.map { "\($0.method) \($0.path) \($0.headers) \($0.body ?? [])" }).count == Self.cases.count)
    }

    @Test("every hostile request is refused with a message naming the field, and changes nothing")
    func corpus() async throws {
        try await ServerFixture.run { fx, client in
            // Bind the visitor token to the replica first, so binding is not a change a case makes.
            let first = HostileCorpusTests.visit("hostile-0")
            _ = try await client.pushOK([first], replica: Self.replica, token: fx.visitor)
            var refused4xx = 0, rejected200 = 0, accepted = 0
            for (index, c) in Self.cases.enumerated() {
                let before = try await Self.dump(fx.sqlite)
                var headers: HTTPFields = [.authorization: "Bearer \(fx.visitor.secret)"]
                if c.body != nil, c.headers["Content-Type"] == nil { headers[.contentType] = "application/json" }
                for (name, value) in c.headers { headers[HTTPField.Name(name)!] = value }
                // Each case its own batch id, so no case is answered with another's stored reply.
                let body = c.body.map { Self.replacingFirst(Array(#""batchId":"batch""#.utf8), with: Array(#""batchId":"case-\#(index)""#.utf8), in: $0) }
                let response = try await client.executeRequest(uri: c.path, method: c.method, headers: headers,
                                                               body: body.map { ByteBuffer(bytes: $0) })
                let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
                let message: String
                if response.status == .ok {
                    let results = try MimamoriJSON.decodePushResponse(Data(response.body.readableBytesView)).results
                    if c.accepted {
                        #expect(results.map(\.outcome) == [.new], "\(c.name): \(text.prefix(300))")
                        accepted += 1
                        continue
                    }
                    #expect(c.status == nil, "\(c.name): expected \(String(describing: c.status)), got 200 \(text.prefix(300))")
                    #expect(results.count == 1 && results.allSatisfy { $0.outcome == .rejected }, "\(c.name): \(text.prefix(300))")
                    message = results.compactMap(\.message).joined(separator: " ")
                    rejected200 += 1
                    // The batch's reply is kept (a retry gets it again) and the office's page counts the laptop's
                    // refused change (replica_activity); nothing else may change.
                    let bookkeeping: Set<String> = ["batches", "replica_activity"]
                    #expect(try await Self.dump(fx.sqlite, skipping: bookkeeping) == before.filter { !bookkeeping.contains($0.key) },
                            "\(c.name) changed the database")
                } else {
                    #expect(!c.accepted, "\(c.name): \(response.status) \(text.prefix(300))")
                    if let status = c.status {
                        #expect(response.status == status, "\(c.name): \(response.status) \(text.prefix(300))")
                    }
                    #expect((400..<500).contains(response.status.code), "\(c.name): \(response.status) \(text.prefix(300))")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(c.name)")
                    let body = try? MimamoriJSON.decode(APIErrorBody.self, from: Data(response.body.readableBytesView))
                    #expect(body != nil, "\(c.name): not an error body: \(text.prefix(300))")
                    message = body?.error.message ?? ""
                    refused4xx += 1
                    #expect(try await Self.dump(fx.sqlite) == before, "\(c.name) changed the database")
                }
                for word in c.mentions {
                    #expect(message.contains(word), "\(c.name): the message should name '\(word)': \(message.prefix(400))")
                }
                #expect(message.utf8.count < 4096, "\(c.name): a message of \(message.utf8.count) bytes echoes the input")
                let health = try await client.send(.get, API.healthPath, token: nil)
                #expect(health.status == .ok, "\(c.name): the server stopped answering")
            }
            print("hostile corpus: \(Self.cases.count) requests, \(refused4xx) refused with 4xx, \(rejected200) versions rejected in a 200, \(accepted) at-limit accepted")
            let last = HostileCorpusTests.visit("hostile-last")
            #expect(try await client.pushOK([last], replica: Self.replica, token: fx.visitor).map(\.outcome) == [.new])
        }
    }
}
