import Foundation
import Testing
@testable import MimamoriShared

/// The bytes kept for a received version are always `VersionJSON.encode` of the version read: copied as they came
/// when the fast reader proved them canonical, encoded again otherwise.
@Suite("Received versions keep their bytes only when canonical")
struct CanonicalBytesTests {
    /// What the server stores for a pushed version sent as `json`, and what a laptop stores for a pulled one, with
    /// the version read; nil when the body is refused.
    struct Stored {
        let version: Version
        let pushed: Data
        let pulled: Data
        /// The fast reader proved `json` canonical (so it is copied, not encoded).
        let kept: Bool
    }

    func store(_ json: Data) -> Stored? {
        let push = Data(#"{"batchId":"b","replicaId":"r","versions":["#.utf8) + json + Data("]}".utf8)
        let page = Data(#"{"changes":[{"documentId":"d","sequence":1,"type":"visit","versions":["#.utf8) + json
            + Data(#"]}],"epoch":"e","hasMore":false,"nextSince":1}"#.utf8)
        guard let request = try? MimamoriJSON.decodePush(push), request.versions.count == 1,
            let received = try? ReceivedChanges.decode(page)
        else { return nil }
        let kept: Bool = json.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return false }
            var p = FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
            p.canonical = true
            return p.version() != nil && p.atEnd() && p.canonical
        }
        // As `PushProcessor.prepare` takes it.
        let pushed = (request.canonicalJSON ?? CanonicalPushBytes(request)).json(at: 0)
        #expect(received.page.changes[0].versions == request.versions)
        return Stored(version: request.versions[0], pushed: Data(pushed), pulled: Data(received.versionJSON[0][0]), kept: kept)
    }

    @Test("a canonical version is kept as it came, and equals VersionJSON.encode", arguments: Array<UInt64>(1...20))
    func canonicalIsKept(seed: UInt64) throws {
        var random = RandomVersions(seed: seed)
        for _ in 0..<100 {
            let v = random.version()
            let json = VersionJSON.encode(v)
            let stored = try #require(store(json), "\(String(decoding: json, as: UTF8.self))")
            #expect(stored.kept, "not proved canonical: \(String(decoding: json, as: UTF8.self))")
            #expect(stored.version == v)
            #expect(stored.pushed == json)
            #expect(stored.pulled == json)
        }
    }

    @Test("a version sent in another form is stored as VersionJSON.encode of what was read", arguments: Array<UInt64>(1...20))
    func mutatedIsEncoded(seed: UInt64) throws {
        var random = RandomVersions(seed: seed)
        var changed = 0
        for _ in 0..<100 {
            let v = random.version()
            let json = VersionJSON.encode(v)
            for _ in 0..<8 {
                var m = Mutator(bytes: Array(json), rng: random.rng)
                let mutated = Data(m.mutate())
                random.rng = m.rng
                guard let stored = store(mutated) else { continue }
                let canonical = VersionJSON.encode(stored.version)
                #expect(stored.pushed == canonical, "\(m.last): \(String(decoding: mutated, as: UTF8.self))")
                #expect(stored.pulled == canonical, "\(m.last): \(String(decoding: mutated, as: UTF8.self))")
                // Kept only when the bytes really are the canonical ones.
                #expect(stored.kept == (mutated == canonical), "\(m.last): \(String(decoding: mutated, as: UTF8.self))")
                if mutated != canonical { changed += 1 }
            }
        }
        #expect(changed > 100)
    }

    @Test("each kind of difference is noticed", arguments: [
        // whitespace, key order, escapes the encoder does not write, numbers, dates, nulls and empty lists
        (#""author":"a""#, #""author": "a""#),
        (#""author":"a""#, #""author":"\u0061""#),
        (#""author":"a""#, #""author":"\u3042""#),
        (#""author":"a""#, #""author":"\/""#),
        (#""author":"a""#, #""author":"\u001F""#),
        (#""author":"a""#, #""author":"\u000a""#),
        (#""counter":7"#, #""counter":7.0"#),
        (#""counter":7"#, #""counter":07"#),
        (#""counter":7"#, #""counter":7e0"#),
        (#""vector":{"r":7}"#, #""vector":{"r":7,"q":1}"#),
        (#""vector":{"r":7}"#, #""vector":{"r":7,"s":0}"#),
        (#""writtenAt":"2025-06-01T00:00:00.000Z""#, #""writtenAt":"2025-06-01T00:00:00Z""#),
        (#""writtenAt":"2025-06-01T00:00:00.000Z""#, #""writtenAt":"2025-06-01T09:00:00.000+09:00""#),
        (#""writtenAt":"2025-06-01T00:00:00.000Z""#, #""writtenAt":"2025-06-01T00:00:00.0001Z""#),
        (#""deleted":false,"#, ""),
        (#""date":"2025-06-01""#, #""consultationTopics":[],"date":"2025-06-01""#),
        (#""date":"2025-06-01""#, #""consultationField":null,"date":"2025-06-01""#),
        (#""actions":[],"#, ""),
        (#""urgent":false,"#, ""),
        (#"{"author":"a","deleted":false,"#, #"{"deleted":false,"author":"a","#),
    ])
    func eachDifference(canonical: String, other: String) throws {
        let v = Version(payload: .visit(Visit(id: "V-1", kind: .fureaiWatch, date: LocalDate("2025-06-01")!, visitorId: "v",
                                              visitorRole: .fureaiMember, subjectId: "S-1", district: "nishi")),
                        vector: VersionVector(["r": 7]), dot: Dot(replica: "r", counter: 7), author: "a",
                        writtenAt: Timestamp(milliseconds: Int64(LocalDate("2025-06-01")!.dayNumber) * 86_400_000))
        let json = String(decoding: VersionJSON.encode(v), as: UTF8.self)
        #expect(json.contains(canonical), "\(json)")
        let mutated = Data(json.replacingOccurrences(of: canonical, with: other).utf8)
        #expect(try #require(store(Data(json.utf8))).kept)
        guard let stored = store(mutated) else { return }  // refused as a whole (07, 7e0): nothing is stored
        #expect(!stored.kept)
        #expect(stored.pushed == VersionJSON.encode(stored.version))
        #expect(stored.pulled == VersionJSON.encode(stored.version))
    }

    /// A version of each type with every field the encoder can write (the random versions leave some out, e.g. a
    /// visit's consultation fields), so a key added to the reader without its place in the canonical order is caught.
    static let everyField: [Version] = {
        let day = LocalDate("2025-06-01")!
        let payloads: [DocumentPayload] = [
            .visit(Visit(id: "V-1", kind: .minseiWatch, method: .phone, date: day, time: LocalTime("14:30"), durationMinutes: 20,
                         visitorId: "v", visitorRole: .minseiIin, organization: "西会", assistsMinseiId: "M-1", subjectId: "S-1",
                         district: "nishi", outcome: .notAtHome, actions: VisitAction.known, services: NichijiService.known,
                         concerns: Concern.known, urgent: true, sharedAt: SharingVenue.known, referral: ReferralDestination.known.first,
                         nextDue: day, planEvent: PlanEvent.known.first, consultationField: ConsultationField.known.first,
                         consultationTopics: ConsultationTopic.known, note: "玄関で\n話した")),
            .subject(Subject(id: "S-1", name: "佐藤", district: "nishi", categories: SubjectCategory.known, cadenceDays: 14,
                             consentToShare: true, consentDate: day, active: false, note: "メモ")),
            .activity(Activity(id: "A-1", category: ActivityCategory.known[0], date: day, district: "nishi", count: 3,
                               visitorId: "v", visitorRole: .minseiIin, note: "メモ")),
            .erased(ErasedDocument(type: .visit, id: "V-2", district: "nishi")),
        ]
        return payloads.map {
            Version(payload: $0, deleted: true, vector: VersionVector(["a": 2, "r": 7]), dot: Dot(replica: "r", counter: 7),
                    author: "a", writtenAt: Timestamp(milliseconds: 1_748_736_000_123))
        }
    }()

    @Test("every member of every object, moved one place or left out, is noticed", arguments: everyField)
    func everyMember(version: Version) throws {
        let json = VersionJSON.encode(version)
        #expect(try #require(store(json)).kept)
        let shape = Mutator(bytes: Array(json), rng: SeededRandom(seed: 1)).shape()
        var tried = 0
        for members in shape.objects {
            for k in members.indices {
                var variants = [Mutator.leavingOut(k, of: members, in: Array(json))]
                if k + 1 < members.count { variants.append(Mutator.swapping(k, of: members, in: Array(json))) }
                for variant in variants {
                    guard let stored = store(Data(variant)) else { continue }
                    tried += 1
                    let canonical = VersionJSON.encode(stored.version)
                    // Kept only when the bytes are the canonical ones (leaving out an optional member is the
                    // canonical form of another version; a member moved, or a member always written left out, never is).
                    #expect(stored.kept == (Data(variant) == canonical), "\(String(decoding: variant, as: UTF8.self))")
                    #expect(stored.pushed == canonical && stored.pulled == canonical)
                }
            }
        }
        #expect(tried > 10)
    }
}

/// Rewrites canonical JSON into an equivalent (or nearly equivalent) form: whitespace, swapped members, escaped
/// characters, numbers and timestamps written otherwise, explicit nulls and empty lists, members left out.
struct Mutator {
    var bytes: [UInt8]
    var rng: SeededRandom
    var last = ""

    /// Objects (the range of each member) and the ranges of strings' contents and of numbers, outside strings.
    struct Shape {
        var objects: [[Range<Int>]] = []
        var objectEnds: [Int] = []
        var strings: [Range<Int>] = []
        var numbers: [Range<Int>] = []
        var structural: [Int] = []
    }

    func shape() -> Shape {
        var s = Shape()
        var stack: [(isObject: Bool, memberStart: Int, members: [Range<Int>])] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                var j = i + 1
                while j < bytes.count, bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                s.strings.append((i + 1)..<j)
                i = j + 1
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                s.structural.append(i)
                stack.append((b == UInt8(ascii: "{"), i + 1, []))
            case UInt8(ascii: ","):
                s.structural.append(i)
                if var top = stack.popLast() {
                    top.members.append(top.memberStart..<i)
                    top.memberStart = i + 1
                    stack.append(top)
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                s.structural.append(i)
                if var top = stack.popLast(), top.isObject {
                    if i > top.memberStart { top.members.append(top.memberStart..<i) }
                    s.objects.append(top.members)
                    s.objectEnds.append(i)
                }
            case UInt8(ascii: ":"):
                s.structural.append(i)
            case UInt8(ascii: "-"), 0x30...0x39:
                var j = i
                while j < bytes.count, bytes[j] == UInt8(ascii: "-") || (0x30...0x39).contains(bytes[j]) { j += 1 }
                s.numbers.append(i..<j)
                i = j
                continue
            default: break
            }
            i += 1
        }
        return s
    }

    /// `bytes` with an object's member `k` and the one after it (`members`: the object's member ranges) swapped.
    static func swapping(_ k: Int, of members: [Range<Int>], in bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let a = members[k], b = members[k + 1]
        bytes.replaceSubrange(a.lowerBound..<b.upperBound, with: Array(bytes[b]) + [UInt8(ascii: ",")] + Array(bytes[a]))
        return bytes
    }

    /// `bytes` without an object's member `k`, and the comma that went with it.
    static func leavingOut(_ k: Int, of members: [Range<Int>], in bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        let cut = k + 1 < members.count ? members[k].lowerBound..<members[k + 1].lowerBound
            : (k > 0 ? members[k - 1].upperBound..<members[k].upperBound : members[k])
        bytes.removeSubrange(cut)
        return bytes
    }

    mutating func mutate() -> [UInt8] {
        let s = shape()
        switch Int.random(in: 0..<8, using: &rng) {
        case 0:
            last = "whitespace"
            guard let at = s.structural.randomElement(using: &rng) else { break }
            bytes.insert(contentsOf: [" ", "\n", "\t", "\r"].randomElement(using: &rng)!.utf8, at: at + 1)
        case 1:
            last = "members swapped"
            guard let members = s.objects.filter({ $0.count >= 2 }).randomElement(using: &rng) else { break }
            bytes = Self.swapping(Int.random(in: 0..<(members.count - 1), using: &rng), of: members, in: bytes)
        case 2:
            last = "character escaped"
            guard let string = s.strings.filter({ !$0.isEmpty }).randomElement(using: &rng) else { break }
            // The scalar starting at a random position that is not inside an escape.
            var starts: [Int] = []
            var i = string.lowerBound
            while i < string.upperBound {
                if bytes[i] == UInt8(ascii: "\\") { i += bytes[i + 1] == UInt8(ascii: "u") ? 6 : 2; continue }
                starts.append(i)
                i += 1
                while i < string.upperBound, bytes[i] & 0xC0 == 0x80 { i += 1 }
            }
            guard let at = starts.randomElement(using: &rng) else { break }
            var end = at + 1
            while end < string.upperBound, bytes[end] & 0xC0 == 0x80 { end += 1 }
            guard let scalar = String(decoding: bytes[at..<end], as: UTF8.self).unicodeScalars.first else { break }
            let upper = Bool.random(using: &rng)
            let escaped = String(scalar).utf16.map { String(format: upper ? "\\u%04X" : "\\u%04x", $0) }.joined()
            bytes.replaceSubrange(at..<end, with: Array((scalar == "/" && Bool.random(using: &rng) ? "\\/" : escaped).utf8))
        case 3:
            last = "number rewritten"
            guard let number = s.numbers.randomElement(using: &rng) else { break }
            let form = [".0", "e0", "0", "E+0", ".00"].randomElement(using: &rng)!
            if form == "0" {
                bytes.insert(UInt8(ascii: "0"), at: number.lowerBound + (bytes[number.lowerBound] == UInt8(ascii: "-") ? 1 : 0))
            } else {
                bytes.insert(contentsOf: form.utf8, at: number.upperBound)
            }
        case 4:
            last = "timestamp rewritten"
            let text = String(decoding: bytes, as: UTF8.self)
            guard let r = text.range(of: #"\.[0-9]{3}Z""#, options: .regularExpression) else { break }
            let fraction = String(text[r].dropFirst().prefix(3))
            let other = ["." + fraction + "000Z\"", "Z\"", "." + fraction + "+00:00\"", "." + fraction.prefix(2) + "Z\""]
                .randomElement(using: &rng)!
            let replaced = text.replacingCharacters(in: r, with: other)
            bytes = Array(replaced.utf8)
        case 5:
            last = "null or empty list added"
            guard let k = s.objects.indices.randomElement(using: &rng) else { break }
            let members = s.objects[k]
            let names = ["note", "consultationTopics", "consultationField", "nextDue", "time", "cadenceDays",
                         "actions", "categories", "organization", "durationMinutes", "zz"]
            let value = Bool.random(using: &rng) ? "null" : "[]"
            let member = Array("\"\(names.randomElement(using: &rng)!)\":\(value)".utf8)
            let at = members.isEmpty ? s.objectEnds[k] : members.randomElement(using: &rng)!.lowerBound
            bytes.insert(contentsOf: members.isEmpty ? member : member + [UInt8(ascii: ",")], at: at)
        case 6:
            last = "member left out"
            guard let members = s.objects.filter({ $0.count >= 2 }).randomElement(using: &rng) else { break }
            bytes = Self.leavingOut(Int.random(in: 0..<members.count, using: &rng), of: members, in: bytes)
        default:
            last = "zero counter added"
            let text = String(decoding: bytes, as: UTF8.self)
            guard let r = text.range(of: #""vector":{"#) else { break }
            let empty = text[r.upperBound...].hasPrefix("}")
            bytes = Array(text.replacingCharacters(in: r, with: #""vector":{"zz":0"# + (empty ? "" : ",")).utf8)
        }
        return bytes
    }
}
