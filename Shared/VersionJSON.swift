import Foundation

/// A hand-written JSON codec for the hot wire type `Version` (and what it holds), because Foundation's
/// Codable path costs tens of microseconds a version on Linux.
///
/// - Encoding writes exactly the bytes `MimamoriJSON.encode` writes (sorted keys, slashes unescaped,
///   nil optionals omitted, the same string escapes); `VersionJSONTests` checks this on random versions.
/// - Decoding parses the common, well-formed case directly. On anything unexpected — an unknown or
///   repeated key, a `null`, a number with a fraction or exponent, an invalid date, a lone surrogate,
///   malformed input — it gives up and the Codable path decodes instead, so errors and edge cases
///   behave exactly as they always have. The fast path accepts only what the Codable path accepts, and
///   gives an `==` value.
public enum VersionJSON {
    // MARK: Encoding

    public static func encode(_ v: Version) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(768)
        encode(v, into: &out)
        return Data(out)
    }

    public static func encode(_ v: Version, into out: inout [UInt8]) {
        var w = FastJSONWriter(out: out)
        out = []
        w.version(v)
        out = w.out
    }

    public static func encodePayload(_ p: DocumentPayload) -> Data {
        var w = FastJSONWriter(out: [])
        w.out.reserveCapacity(640)
        w.payload(p)
        return Data(w.out)
    }

    public static func encode(_ p: DocumentPayload, into out: inout [UInt8]) {
        var w = FastJSONWriter(out: out)
        out = []
        w.payload(p)
        out = w.out
    }

    // MARK: Decoding

    /// The fast path only: nil when the bytes are anything but a plainly well-formed version.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Version? {
        guard let base = bytes.baseAddress else { return nil }
        var p = FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        guard let v = p.version(), p.atEnd() else { return nil }
        return v
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws -> Version {
        if let v = parse(bytes) { return v }
        return try MimamoriJSON.decode(Version.self, from: Data(bytes))
    }

    public static func decode(_ data: Data) throws -> Version {
        if let v = data.withUnsafeBytes({ parse($0) }) { return v }
        return try MimamoriJSON.decode(Version.self, from: data)
    }

    /// The fast path for a payload alone (the client stores payloads as JSON).
    public static func parsePayload(_ bytes: UnsafeRawBufferPointer) -> DocumentPayload? {
        guard let base = bytes.baseAddress else { return nil }
        var p = FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        guard let v = p.payload(), p.atEnd() else { return nil }
        return v
    }

    public static func decodePayload(_ data: Data) throws -> DocumentPayload {
        if let v = data.withUnsafeBytes({ parsePayload($0) }) { return v }
        return try MimamoriJSON.decode(DocumentPayload.self, from: data)
    }
}

// MARK: - Envelopes

extension MimamoriJSON {
    /// `encode(request)`, byte for byte, with each version written by `VersionJSON`.
    public static func encodePush(_ request: PushRequest) -> Data {
        var w = FastJSONWriter(out: [])
        w.out.reserveCapacity(64 + request.versions.count * 700)
        w.pushHead(batchId: request.batchId, replicaId: request.replicaId)
        for (i, v) in request.versions.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.version(v)
        }
        w.lit("]}")
        return Data(w.out)
    }

    /// `decode(PushRequest.self, from:)`, through the fast path when the body is plainly well formed.
    public static func decodePush(_ data: Data) throws -> PushRequest {
        if let fast = data.withUnsafeBytes(fastPush) { return fast }
        return try decode(PushRequest.self, from: data)
    }

    /// `decodePush` of bytes read in place (a server's request body): copied into a `Data` only for the Codable
    /// path, when the fast one gives up.
    public static func decodePush(_ bytes: UnsafeRawBufferPointer) throws -> PushRequest {
        if let fast = fastPush(bytes) { return fast }
        return try decode(PushRequest.self, from: Data(bytes))
    }

    /// With the batch's canonical JSON made from the body as it came: the versions the reader proved canonical
    /// are copied, only the others encoded.
    private static func fastPush(_ raw: UnsafeRawBufferPointer) -> PushRequest? {
        guard let base = raw.baseAddress else { return nil }
        var p = FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
        var ranges: [Range<Int>?]? = []
        guard var r = p.pushRequest(ranges: &ranges), p.atEnd(), let ranges else { return nil }
        r.canonicalJSON = CanonicalPushBytes(r, received: raw, ranges: ranges)
        return r
    }

    /// What every page a Mimamori server writes ends with when there are more (`ChangesPageWriter` and
    /// `encodeChanges` both write the keys sorted, so `nextSince` comes last, after `hasMore`).
    private static let moreTail = Array(#","hasMore":true,"nextSince":"#.utf8)

    /// `N` when a pull page's bytes end with `,"hasMore":true,"nextSince":N}` (and perhaps white space), N at most 18
    /// digits; nil for anything else (a last page, another key order). Read without decoding the page: a hint the
    /// laptop checks against the page once decoded (`PageBody`).
    public static func announcedNextSince(_ bytes: Data) -> Int64? {
        bytes.withUnsafeBytes { raw -> Int64? in
            let b = raw.bindMemory(to: UInt8.self)
            var end = b.count
            while end > 0, [0x20, 0x0A, 0x0D, 0x09].contains(b[end - 1]) { end -= 1 }
            guard end > 0, b[end - 1] == UInt8(ascii: "}") else { return nil }
            end -= 1
            var start = end
            while start > 0, end - start < 19, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b[start - 1]) { start -= 1 }
            // 18 digits always fit an Int64.
            guard start < end, end - start <= 18, start >= moreTail.count else { return nil }
            for (i, byte) in moreTail.enumerated() where b[start - moreTail.count + i] != byte { return nil }
            return b[start..<end].reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        }
    }

    /// `encode(response)`, byte for byte, with each version written by `VersionJSON`.
    public static func encodeChanges(_ response: ChangesResponse) -> Data {
        var w = FastJSONWriter(out: [])
        w.lit(#"{"changes":["#)
        for (i, c) in response.changes.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.lit(#"{"documentId":"#); w.string(c.documentId)
            if let to = c.movedTo { w.lit(#","movedTo":"#); w.string(to) }
            w.lit(#","sequence":"#); w.int(c.sequence)
            w.lit(#","type":"#); w.string(c.type.rawValue)
            w.lit(#","versions":["#)
            for (j, v) in c.versions.enumerated() {
                if j > 0 { w.byte(UInt8(ascii: ",")) }
                w.version(v)
            }
            w.lit("]}")
        }
        w.lit(#"],"epoch":"#); w.string(response.epoch)
        w.lit(#","hasMore":"#); w.lit(response.hasMore ? "true" : "false")
        w.lit(#","nextSince":"#); w.int(response.nextSince)
        w.byte(UInt8(ascii: "}"))
        return Data(w.out)
    }

    /// `decode(ChangesResponse.self, from:)`, through the fast path when the page is plainly well formed.
    public static func decodeChanges(_ data: Data) throws -> ChangesResponse {
        let fast: ChangesResponse? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var p = FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
            var none: [[Range<Int>?]]? = nil
            guard let r = p.changesResponse(ranges: &none), p.atEnd() else { return nil }
            return r
        }
        if let fast { return fast }
        return try decode(ChangesResponse.self, from: data)
    }
}

extension MimamoriJSON {
    /// `encode(response)`, byte for byte (a push reply holds one result per version).
    public static func encodePushResponse(_ response: PushResponse) -> Data {
        var w = FastJSONWriter(out: [])
        w.out.reserveCapacity(64 + response.results.count * 120)
        w.lit(#"{"batchId":"#); w.string(response.batchId)
        w.lit(#","epoch":"#); w.string(response.epoch)
        w.lit(#","results":["#)
        for (i, r) in response.results.enumerated() {
            w.lit(i > 0 ? ",{" : "{")
            // Synthesized encode(to:): nil optionals left out.
            if let code = r.code { w.lit(#""code":"#); w.string(code); w.byte(UInt8(ascii: ",")) }
            w.lit(#""documentId":"#); w.string(r.documentId)
            w.lit(#","dot":{"counter":"#); w.uint(r.dot.counter)
            w.lit(#","replica":"#); w.string(r.dot.replica)
            w.byte(UInt8(ascii: "}"))
            if let message = r.message { w.lit(#","message":"#); w.string(message) }
            w.lit(#","outcome":"#); w.string(r.outcome.rawValue)
            w.byte(UInt8(ascii: "}"))
        }
        w.lit("]}")
        return Data(w.out)
    }

    /// `decode(PushResponse.self, from:)`, through the fast path when the reply is plainly well formed.
    public static func decodePushResponse(_ data: Data) throws -> PushResponse {
        let fast: PushResponse? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var p = FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
            guard let r = p.pushResponse(), p.atEnd() else { return nil }
            return r
        }
        if let fast { return fast }
        return try decode(PushResponse.self, from: data)
    }
}

extension MimamoriJSON {
    /// Appends `s` as a JSON string literal, escaped exactly as `JSONEncoder` escapes it: the one string writer
    /// for JSON assembled by hand (the server's pull pages).
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var w = FastJSONWriter(out: out)
        out = []
        w.string(s)
        out = w.out
    }
}

// MARK: - FastJSONWriter

/// Writes JSON as `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` does.
struct FastJSONWriter {
    var out: [UInt8]

    @inline(__always) mutating func byte(_ b: UInt8) { out.append(b) }

    @inline(__always) mutating func lit(_ s: StaticString) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// JSONEncoder's escapes: `"` `\` and the C0 controls (\b \f \n \r \t, others \u00xx in lower-case hex).
    /// Nothing else is escaped: not `/` (withoutEscapingSlashes), not DEL, not U+2028; non-ASCII is raw UTF-8.
    mutating func string(_ s: String) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            guard let base = buf.baseAddress else { return }
            let n = buf.count
            var mark = 0
            var i = 0
            while i < n {
                let b = base[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C {
                    i += 1
                    continue
                }
                if i > mark { out.append(contentsOf: UnsafeBufferPointer(start: base + mark, count: i - mark)) }
                out.append(0x5C)
                switch b {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(UInt8(ascii: "u")); out.append(0x30); out.append(0x30)
                    out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
                }
                i += 1
                mark = i
            }
            if n > mark { out.append(contentsOf: UnsafeBufferPointer(start: base + mark, count: n - mark)) }
        }
        out.append(UInt8(ascii: "\""))
    }

    mutating func uint(_ n: UInt64) {
        var div: UInt64 = 1
        while n / div >= 10 { div *= 10 }
        while div > 0 {
            out.append(0x30 + UInt8(n / div % 10))
            div /= 10
        }
    }

    mutating func int<I: BinaryInteger>(_ n: I) {
        if n < 0 {
            out.append(UInt8(ascii: "-"))
            uint(UInt64(n.magnitude))
        } else {
            uint(UInt64(n))
        }
    }

    @inline(__always) mutating func digits2(_ n: Int) {
        out.append(0x30 + UInt8(n / 10)); out.append(0x30 + UInt8(n % 10))
    }

    @inline(__always) mutating func digits4(_ n: Int) {
        digits2(n / 100); digits2(n % 100)
    }

    mutating func date(_ d: LocalDate) {
        guard (0...9999).contains(d.year), (0...99).contains(d.month), (0...99).contains(d.day) else {
            string(d.description)
            return
        }
        out.append(UInt8(ascii: "\""))
        digits4(d.year); out.append(UInt8(ascii: "-")); digits2(d.month); out.append(UInt8(ascii: "-")); digits2(d.day)
        out.append(UInt8(ascii: "\""))
    }

    mutating func time(_ t: LocalTime) {
        guard (0...99).contains(t.hour), (0...99).contains(t.minute) else {
            string(t.description)
            return
        }
        out.append(UInt8(ascii: "\""))
        digits2(t.hour); out.append(UInt8(ascii: ":")); digits2(t.minute)
        out.append(UInt8(ascii: "\""))
    }

    /// As `ISO8601Milliseconds.format`.
    mutating func timestamp(_ t: Timestamp) {
        let ms = t.milliseconds
        var days = ms / 86_400_000, msOfDay = ms % 86_400_000
        if msOfDay < 0 { days -= 1; msOfDay += 86_400_000 }
        let date = LocalDate(dayNumber: Int(days))
        guard (0...9999).contains(date.year) else {
            string(t.description)
            return
        }
        let m = Int(msOfDay)
        out.append(UInt8(ascii: "\""))
        digits4(date.year); out.append(UInt8(ascii: "-")); digits2(date.month); out.append(UInt8(ascii: "-")); digits2(date.day)
        out.append(UInt8(ascii: "T"))
        digits2(m / 3_600_000); out.append(UInt8(ascii: ":")); digits2(m / 60_000 % 60); out.append(UInt8(ascii: ":"))
        digits2(m / 1000 % 60); out.append(UInt8(ascii: "."))
        let f = m % 1000
        out.append(0x30 + UInt8(f / 100)); digits2(f % 100)
        out.append(UInt8(ascii: "Z")); out.append(UInt8(ascii: "\""))
    }

    mutating func codes<C: CodeList>(_ list: [C]) {
        out.append(UInt8(ascii: "["))
        for (i, c) in list.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(c.rawValue)
        }
        out.append(UInt8(ascii: "]"))
    }

    mutating func vector(_ v: VersionVector) {
        let counters = v.counters
        out.append(UInt8(ascii: "{"))
        if counters.count == 1, let e = counters.first {
            string(e.key); out.append(UInt8(ascii: ":")); uint(e.value)
        } else if !counters.isEmpty {
            // JSONEncoder (swift-foundation) sorts keys by their UTF-8 bytes.
            for (i, e) in counters.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                string(e.key); out.append(UInt8(ascii: ":")); uint(e.value)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    mutating func version(_ v: Version) {
        lit(#"{"author":"#); string(v.author)
        lit(v.deleted ? #","deleted":true,"documentId":"# : #","deleted":false,"documentId":"#); string(v.documentId)
        lit(#","dot":{"counter":"#); uint(v.dot.counter)
        lit(#","replica":"#); string(v.dot.replica)
        lit(#"},"payload":"#); payload(v.payload)
        lit(#","vector":"#); vector(v.vector)
        lit(#","writtenAt":"#); timestamp(v.writtenAt)
        out.append(UInt8(ascii: "}"))
    }

    mutating func payload(_ p: DocumentPayload) {
        switch p {
        case let .visit(v):
            lit(#"{"type":"visit","visit":"#); visit(v); out.append(UInt8(ascii: "}"))
        case let .subject(s):
            lit(#"{"subject":"#); subject(s); lit(#","type":"subject"}"#)
        case let .activity(a):
            lit(#"{"activity":"#); activity(a); lit(#","type":"activity"}"#)
        case let .erased(e):
            lit(#"{"erased":{"district":"#); string(e.district)
            lit(#","id":"#); string(e.id)
            lit(#"},"type":"#); string(e.type.rawValue)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The synthesized `encode(to:)`: nil optionals left out, arrays and flags always written.
    mutating func visit(_ v: Visit) {
        lit(#"{"actions":"#); codes(v.actions)
        if let x = v.assistsMinseiId { lit(#","assistsMinseiId":"#); string(x) }
        lit(#","concerns":"#); codes(v.concerns)
        if let x = v.consultationField { lit(#","consultationField":"#); string(x.rawValue) }
        if !v.consultationTopics.isEmpty { lit(#","consultationTopics":"#); codes(v.consultationTopics) }
        lit(#","date":"#); date(v.date)
        lit(#","district":"#); string(v.district)
        if let x = v.durationMinutes { lit(#","durationMinutes":"#); int(x) }
        lit(#","id":"#); string(v.id)
        lit(#","kind":"#); string(v.kind.rawValue)
        lit(#","method":"#); string(v.method.rawValue)
        if let x = v.nextDue { lit(#","nextDue":"#); date(x) }
        if let x = v.note { lit(#","note":"#); string(x) }
        if let x = v.organization { lit(#","organization":"#); string(x) }
        lit(#","outcome":"#); string(v.outcome.rawValue)
        if let x = v.planEvent { lit(#","planEvent":"#); string(x.rawValue) }
        if let x = v.referral { lit(#","referral":"#); string(x.rawValue) }
        lit(#","services":"#); codes(v.services)
        lit(#","sharedAt":"#); codes(v.sharedAt)
        lit(#","subjectId":"#); string(v.subjectId)
        if let x = v.time { lit(#","time":"#); time(x) }
        lit(v.urgent ? #","urgent":true,"visitorId":"# : #","urgent":false,"visitorId":"#); string(v.visitorId)
        lit(#","visitorRole":"#); string(v.visitorRole.rawValue)
        out.append(UInt8(ascii: "}"))
    }

    mutating func activity(_ a: Activity) {
        lit(#"{"category":"#); string(a.category.rawValue)
        lit(#","count":"#); int(a.count)
        lit(#","date":"#); date(a.date)
        lit(#","district":"#); string(a.district)
        lit(#","id":"#); string(a.id)
        if let x = a.note { lit(#","note":"#); string(x) }
        lit(#","visitorId":"#); string(a.visitorId)
        lit(#","visitorRole":"#); string(a.visitorRole.rawValue)
        out.append(UInt8(ascii: "}"))
    }

    mutating func subject(_ s: Subject) {
        lit(s.active ? #"{"active":true"# : #"{"active":false"#)
        if let x = s.cadenceDays { lit(#","cadenceDays":"#); int(x) }
        lit(#","categories":"#); codes(s.categories)
        if let x = s.consentDate { lit(#","consentDate":"#); date(x) }
        lit(s.consentToShare ? #","consentToShare":true,"district":"# : #","consentToShare":false,"district":"#)
        string(s.district)
        lit(#","id":"#); string(s.id)
        lit(#","name":"#); string(s.name)
        if let x = s.note { lit(#","note":"#); string(x) }
        out.append(UInt8(ascii: "}"))
    }
}

// MARK: - FastJSONParser

/// Reads the common, well-formed case; nil on any surprise (the caller falls back to Codable).
struct FastJSONParser {
    let base: UnsafePointer<UInt8>
    let count: Int
    var i = 0
    var scratch: [UInt8] = []
    /// Cleared by anything `FastJSONWriter` would write otherwise (whitespace, another key order, a key it leaves
    /// out, an escape it does not write, a timestamp in another form): while it holds, the bytes read since it was
    /// last set are exactly what `VersionJSON.encode` writes for the value read (`VersionJSONTests` checks it).
    var canonical = true

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always) mutating func ws() {
        while i < count {
            let b = base[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            canonical = false
            i += 1
        }
    }

    @inline(__always) mutating func take(_ b: UInt8) -> Bool {
        ws()
        guard i < count, base[i] == b else { return false }
        i += 1
        return true
    }

    mutating func atEnd() -> Bool {
        ws()
        return i == count
    }

    /// After a member or element: true for `,` (another follows), false for `close`, nil otherwise.
    @inline(__always) mutating func more(_ close: UInt8) -> Bool? {
        ws()
        guard i < count else { return nil }
        let b = base[i]
        i += 1
        if b == UInt8(ascii: ",") { return true }
        if b == close { return false }
        return nil
    }

    /// An object member's key (no escapes) and the colon after it: its byte range.
    @inline(__always) mutating func key() -> (Int, Int)? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < count {
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                let len = i - start
                i += 1
                guard take(UInt8(ascii: ":")) else { return nil }
                return (start, len)
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    @inline(__always) func eq(_ k: (Int, Int), _ s: StaticString) -> Bool {
        k.1 == s.utf8CodeUnitCount && memcmp(base + k.0, s.utf8Start, k.1) == 0
    }

    /// Notes the key of rank `rank` (its place in the object's sorted keys) in `seen`: out of order unless every
    /// key seen before it ranks lower.
    @inline(__always) mutating func mark(_ rank: Int, _ seen: inout UInt32) {
        if seen >> rank != 0 { canonical = false }
        seen |= 1 << rank
    }

    /// After an object: every key the writer always writes was there.
    @inline(__always) mutating func require(_ seen: UInt32, _ always: UInt32) {
        if seen & always != always { canonical = false }
    }

    mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        var ascii = true
        while i < count {
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                let buf = UnsafeBufferPointer(start: base + start, count: i - start)
                i += 1
                return ascii ? String(decoding: buf, as: UTF8.self) : String(validating: buf, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { return escapedString(from: start) }
            if b < 0x20 { return nil }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        return nil
    }

    @inline(__always) func hex(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    /// Four hex digits after `\u`, `i` at the first.
    mutating func hex4() -> UInt32? {
        guard i + 4 <= count, let a = hex(base[i]), let b = hex(base[i + 1]), let c = hex(base[i + 2]),
            let d = hex(base[i + 3])
        else { return nil }
        i += 4
        return a << 12 | b << 8 | c << 4 | d
    }

    mutating func escapedString(from start: Int) -> String? {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start))
        while i < count {
            let b = base[i]
            i += 1
            if b == UInt8(ascii: "\"") {
                return scratch.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
            }
            if b < 0x20 { return nil }
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                continue
            }
            guard i < count else { return nil }
            let e = base[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): scratch.append(e)
            case UInt8(ascii: "/"): scratch.append(e); canonical = false
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                guard var u = hex4() else { return nil }
                // The writer uses `\u` only for the C0 controls without a short escape, in lower-case hex.
                if u >= 0x20 || u == 0x08 || u == 0x09 || u == 0x0A || u == 0x0C || u == 0x0D
                    || (base[i - 1] >= UInt8(ascii: "A") && base[i - 1] <= UInt8(ascii: "F")) {
                    canonical = false
                }
                if (0xDC00...0xDFFF).contains(u) { return nil }
                if (0xD800...0xDBFF).contains(u) {
                    guard i + 2 <= count, base[i] == UInt8(ascii: "\\"), base[i + 1] == UInt8(ascii: "u") else { return nil }
                    i += 2
                    guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(u) else { return nil }
                scratch.append(contentsOf: UTF8.encode(scalar)!)
            default:
                return nil
            }
        }
        return nil
    }

    /// Digits of a JSON integer with no sign, fraction or exponent; nil for anything else (or overflow).
    mutating func magnitude() -> UInt64? {
        guard i < count else { return nil }
        let first = base[i]
        guard first >= 0x30, first <= 0x39 else { return nil }
        var n: UInt64 = 0
        if first == 0x30 {
            i += 1
        } else {
            while i < count, base[i] >= 0x30, base[i] <= 0x39 {
                let (m, o1) = n.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(base[i] - 0x30))
                guard !o1, !o2 else { return nil }
                n = a
                i += 1
            }
        }
        if i < count {
            let b = base[i]
            if (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                return nil
            }
        }
        return n
    }

    /// Up to 2^63-1, as `StrictJSON` accepts (counters are refused above 2^53 later, naming the field).
    mutating func uint64() -> UInt64? {
        ws()
        guard let m = magnitude(), m <= UInt64(Int64.max) else { return nil }
        return m
    }

    mutating func int() -> Int? {
        ws()
        guard i < count else { return nil }
        if base[i] == UInt8(ascii: "-") {
            i += 1
            guard let m = magnitude(), m > 0, m <= UInt64(Int.max) + 1 else { return nil }
            return Int(truncatingIfNeeded: 0 &- m)
        }
        guard let m = magnitude(), m <= UInt64(Int.max) else { return nil }
        return Int(m)
    }

    mutating func bool() -> Bool? {
        ws()
        if i + 4 <= count, base[i] == UInt8(ascii: "t"), base[i + 1] == UInt8(ascii: "r"), base[i + 2] == UInt8(ascii: "u"),
            base[i + 3] == UInt8(ascii: "e") {
            i += 4
            return true
        }
        if i + 5 <= count, base[i] == UInt8(ascii: "f"), base[i + 1] == UInt8(ascii: "a"), base[i + 2] == UInt8(ascii: "l"),
            base[i + 3] == UInt8(ascii: "s"), base[i + 4] == UInt8(ascii: "e") {
            i += 5
            return false
        }
        return nil
    }

    /// The contents of a string, as bytes (no escapes), for dates and times.
    mutating func plainStringBytes() -> UnsafeBufferPointer<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < count {
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return UnsafeBufferPointer(start: base + start, count: i - 1 - start)
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            i += 1
        }
        return nil
    }

    @inline(__always) func digit(_ b: UInt8) -> Int? { b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil }

    /// Exactly `YYYY-MM-DD`, as `LocalDate(_:)` reads it.
    mutating func date() -> LocalDate? {
        guard let s = plainStringBytes(), s.count == 10, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
            let y0 = digit(s[0]), let y1 = digit(s[1]), let y2 = digit(s[2]), let y3 = digit(s[3]),
            let m0 = digit(s[5]), let m1 = digit(s[6]), let d0 = digit(s[8]), let d1 = digit(s[9])
        else { return nil }
        return LocalDate(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
    }

    /// Exactly `HH:MM`, as `LocalTime(_:)` reads it.
    mutating func time() -> LocalTime? {
        guard let s = plainStringBytes(), s.count == 5, s[2] == UInt8(ascii: ":"),
            let h0 = digit(s[0]), let h1 = digit(s[1]), let m0 = digit(s[3]), let m1 = digit(s[4])
        else { return nil }
        return LocalTime(hour: h0 * 10 + h1, minute: m0 * 10 + m1)
    }

    mutating func timestamp() -> Timestamp? {
        guard let s = plainStringBytes(), let ms = ISO8601Milliseconds.parse(utf8: s) else { return nil }
        // The writer's form: `YYYY-MM-DDTHH:MM:SS.sssZ`, three digits of fraction and no offset (a parsed date is a
        // real one of years 1…9999, so it is written back as it was read).
        if s.count != 24 || s[19] != UInt8(ascii: ".") || s[23] != UInt8(ascii: "Z") { canonical = false }
        return Timestamp(milliseconds: ms)
    }

    mutating func code<C: CodeList>(_: C.Type) -> C? {
        string().map { C(rawValue: $0) }
    }

    mutating func codes<C: CodeList>(_: C.Type) -> [C]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var list: [C] = []
        if take(UInt8(ascii: "]")) { return list }
        while true {
            guard let s = string() else { return nil }
            list.append(C(rawValue: s))
            guard let more = more(UInt8(ascii: "]")) else { return nil }
            if !more { return list }
        }
    }

    mutating func vector() -> VersionVector? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var counters: [String: UInt64] = [:]
        if take(UInt8(ascii: "}")) { return VersionVector(counters) }
        var previous: String?
        while true {
            guard let k = string(), take(UInt8(ascii: ":")), let c = uint64() else { return nil }
            // The writer sorts replicas by their UTF-8 bytes and leaves out zero counters (`VersionVector` drops them).
            if c == 0 || !(previous.map { $0.utf8.lexicographicallyPrecedes(k.utf8) } ?? true) { canonical = false }
            previous = k
            guard counters.updateValue(c, forKey: k) == nil else { return nil }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { return VersionVector(counters) }
        }
    }

    mutating func dot() -> Dot? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var counter: UInt64?
        var replica: String?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "counter") {
                mark(0, &seen)
                guard counter == nil, let c = uint64() else { return nil }
                counter = c
            } else if eq(k, "replica") {
                mark(1, &seen)
                guard replica == nil, let r = string() else { return nil }
                replica = r
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        require(seen, 0x3)
        guard let counter, let replica else { return nil }
        return Dot(replica: replica, counter: counter)
    }

    mutating func version() -> Version? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var documentId: String?, payload: DocumentPayload?, deleted: Bool?, vector: VersionVector?, dot: Dot?
        var author: String?, writtenAt: Timestamp?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "author") {
                mark(0, &seen)
                guard author == nil, let x = string() else { return nil }
                author = x
            } else if eq(k, "deleted") {
                mark(1, &seen)
                guard deleted == nil, let x = bool() else { return nil }
                deleted = x
            } else if eq(k, "documentId") {
                mark(2, &seen)
                guard documentId == nil, let x = string() else { return nil }
                documentId = x
            } else if eq(k, "dot") {
                mark(3, &seen)
                guard dot == nil, let x = self.dot() else { return nil }
                dot = x
            } else if eq(k, "payload") {
                mark(4, &seen)
                guard payload == nil, let x = self.payload() else { return nil }
                payload = x
            } else if eq(k, "vector") {
                mark(5, &seen)
                guard vector == nil, let x = self.vector() else { return nil }
                vector = x
            } else if eq(k, "writtenAt") {
                mark(6, &seen)
                guard writtenAt == nil, let x = timestamp() else { return nil }
                writtenAt = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        require(seen, 0x7f)
        guard let documentId, let payload, let vector, let dot, let author, let writtenAt else { return nil }
        return Version(documentId: documentId, payload: payload, deleted: deleted ?? false, vector: vector, dot: dot,
                       author: author, writtenAt: writtenAt)
    }

    mutating func payload() -> DocumentPayload? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var type: String?, visit: Visit?, subject: Subject?, activity: Activity?, erased: (id: String, district: String)?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "erased") {
                mark(1, &seen)
                guard erased == nil, let x = self.erased() else { return nil }
                erased = x
            } else if eq(k, "type") {
                mark(3, &seen)
                guard type == nil, let x = string() else { return nil }
                type = x
            } else if eq(k, "visit") {
                mark(4, &seen)
                guard visit == nil, let x = self.visit() else { return nil }
                visit = x
            } else if eq(k, "subject") {
                mark(2, &seen)
                guard subject == nil, let x = self.subject() else { return nil }
                subject = x
            } else if eq(k, "activity") {
                mark(0, &seen)
                guard activity == nil, let x = self.activity() else { return nil }
                activity = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        require(seen, 0x8)
        switch (type, visit, subject, activity, erased) {
        case let ("visit"?, visit?, nil, nil, nil): return .visit(visit)
        case let ("subject"?, nil, subject?, nil, nil): return .subject(subject)
        case let ("activity"?, nil, nil, activity?, nil): return .activity(activity)
        case let (type?, nil, nil, nil, erased?):
            guard let documentType = DocumentType(rawValue: type) else { return nil }
            return .erased(ErasedDocument(type: documentType, id: erased.id, district: erased.district))
        default: return nil
        }
    }

    /// A tombstone's `{"district": …, "id": …}`.
    mutating func erased() -> (id: String, district: String)? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var id: String?, district: String?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "id") {
                mark(1, &seen)
                guard id == nil, let x = string() else { return nil }
                id = x
            } else if eq(k, "district") {
                mark(0, &seen)
                guard district == nil, let x = string() else { return nil }
                district = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        require(seen, 0x3)
        guard let id, let district else { return nil }
        return (id, district)
    }

    mutating func visit() -> Visit? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var id: String?, kind: VisitKind?, method: ContactMethod?, date: LocalDate?, time: LocalTime?
        var durationMinutes: Int?, visitorId: String?, visitorRole: VisitorRole?, organization: String?
        var assistsMinseiId: String?, subjectId: String?, district: String?, outcome: Outcome?
        var actions: [VisitAction]?, services: [NichijiService]?, concerns: [Concern]?, urgent: Bool?
        var sharedAt: [SharingVenue]?, referral: ReferralDestination?, nextDue: LocalDate?, planEvent: PlanEvent?
        var note: String?, consultationField: ConsultationField?, consultationTopics: [ConsultationTopic]?
        while true {
            guard let k = key() else { return nil }
            switch k.1 {
            case 2 where eq(k, "id"):
                mark(8, &seen)
                guard id == nil, let x = string() else { return nil }
                id = x
            case 4 where eq(k, "kind"):
                mark(9, &seen)
                guard kind == nil, let x = code(VisitKind.self) else { return nil }
                kind = x
            case 4 where eq(k, "date"):
                mark(5, &seen)
                guard date == nil, let x = self.date() else { return nil }
                date = x
            case 4 where eq(k, "time"):
                mark(20, &seen)
                guard time == nil, let x = self.time() else { return nil }
                time = x
            case 4 where eq(k, "note"):
                mark(12, &seen)
                guard note == nil, let x = string() else { return nil }
                note = x
            case 6 where eq(k, "method"):
                mark(10, &seen)
                guard method == nil, let x = code(ContactMethod.self) else { return nil }
                method = x
            case 6 where eq(k, "urgent"):
                mark(21, &seen)
                guard urgent == nil, let x = bool() else { return nil }
                urgent = x
            case 7 where eq(k, "outcome"):
                mark(14, &seen)
                guard outcome == nil, let x = code(Outcome.self) else { return nil }
                outcome = x
            case 7 where eq(k, "actions"):
                mark(0, &seen)
                guard actions == nil, let x = codes(VisitAction.self) else { return nil }
                actions = x
            case 7 where eq(k, "nextDue"):
                mark(11, &seen)
                guard nextDue == nil, let x = self.date() else { return nil }
                nextDue = x
            case 8 where eq(k, "district"):
                mark(6, &seen)
                guard district == nil, let x = string() else { return nil }
                district = x
            case 8 where eq(k, "services"):
                mark(17, &seen)
                guard services == nil, let x = codes(NichijiService.self) else { return nil }
                services = x
            case 8 where eq(k, "concerns"):
                mark(2, &seen)
                guard concerns == nil, let x = codes(Concern.self) else { return nil }
                concerns = x
            case 8 where eq(k, "sharedAt"):
                mark(18, &seen)
                guard sharedAt == nil, let x = codes(SharingVenue.self) else { return nil }
                sharedAt = x
            case 8 where eq(k, "referral"):
                mark(16, &seen)
                guard referral == nil, let x = code(ReferralDestination.self) else { return nil }
                referral = x
            case 9 where eq(k, "visitorId"):
                mark(22, &seen)
                guard visitorId == nil, let x = string() else { return nil }
                visitorId = x
            case 9 where eq(k, "subjectId"):
                mark(19, &seen)
                guard subjectId == nil, let x = string() else { return nil }
                subjectId = x
            case 9 where eq(k, "planEvent"):
                mark(15, &seen)
                guard planEvent == nil, let x = code(PlanEvent.self) else { return nil }
                planEvent = x
            case 11 where eq(k, "visitorRole"):
                mark(23, &seen)
                guard visitorRole == nil, let x = code(VisitorRole.self) else { return nil }
                visitorRole = x
            case 12 where eq(k, "organization"):
                mark(13, &seen)
                guard organization == nil, let x = string() else { return nil }
                organization = x
            case 15 where eq(k, "durationMinutes"):
                mark(7, &seen)
                guard durationMinutes == nil, let x = int() else { return nil }
                durationMinutes = x
            case 15 where eq(k, "assistsMinseiId"):
                mark(1, &seen)
                guard assistsMinseiId == nil, let x = string() else { return nil }
                assistsMinseiId = x
            case 17 where eq(k, "consultationField"):
                mark(3, &seen)
                guard consultationField == nil, let x = code(ConsultationField.self) else { return nil }
                consultationField = x
            case 18 where eq(k, "consultationTopics"):
                mark(4, &seen)
                guard consultationTopics == nil, let x = codes(ConsultationTopic.self) else { return nil }
                consultationTopics = x
            default:
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        require(seen, 0xee4765)
        if consultationTopics?.isEmpty == true { canonical = false }
        guard let id, let kind, let method, let date, let visitorId, let visitorRole, let subjectId, let district,
            let outcome
        else { return nil }
        return Visit(
            id: id, kind: kind, method: method, date: date, time: time, durationMinutes: durationMinutes,
            visitorId: visitorId, visitorRole: visitorRole, organization: organization, assistsMinseiId: assistsMinseiId,
            subjectId: subjectId, district: district, outcome: outcome, actions: actions ?? [], services: services ?? [],
            concerns: concerns ?? [], urgent: urgent ?? false, sharedAt: sharedAt ?? [], referral: referral,
            nextDue: nextDue, planEvent: planEvent, consultationField: consultationField,
            consultationTopics: consultationTopics ?? [], note: note)
    }

    mutating func activity() -> Activity? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var id: String?, category: ActivityCategory?, date: LocalDate?, district: String?, count: Int?
        var visitorId: String?, visitorRole: VisitorRole?, note: String?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "id") {
                mark(4, &seen)
                guard id == nil, let x = string() else { return nil }
                id = x
            } else if eq(k, "category") {
                mark(0, &seen)
                guard category == nil, let x = code(ActivityCategory.self) else { return nil }
                category = x
            } else if eq(k, "date") {
                mark(2, &seen)
                guard date == nil, let x = self.date() else { return nil }
                date = x
            } else if eq(k, "district") {
                mark(3, &seen)
                guard district == nil, let x = string() else { return nil }
                district = x
            } else if eq(k, "count") {
                mark(1, &seen)
                guard count == nil, let x = int() else { return nil }
                count = x
            } else if eq(k, "visitorId") {
                mark(6, &seen)
                guard visitorId == nil, let x = string() else { return nil }
                visitorId = x
            } else if eq(k, "visitorRole") {
                mark(7, &seen)
                guard visitorRole == nil, let x = code(VisitorRole.self) else { return nil }
                visitorRole = x
            } else if eq(k, "note") {
                mark(5, &seen)
                guard note == nil, let x = string() else { return nil }
                note = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        require(seen, 0xdf)
        guard let id, let category, let date, let district, let count, let visitorId, let visitorRole else { return nil }
        return Activity(id: id, category: category, date: date, district: district, count: count,
                        visitorId: visitorId, visitorRole: visitorRole, note: note)
    }

    mutating func subject() -> Subject? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var seen: UInt32 = 0
        var id: String?, name: String?, district: String?, categories: [SubjectCategory]?, cadenceDays: Int?
        var consentToShare: Bool?, consentDate: LocalDate?, active: Bool?, note: String?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "id") {
                mark(6, &seen)
                guard id == nil, let x = string() else { return nil }
                id = x
            } else if eq(k, "name") {
                mark(7, &seen)
                guard name == nil, let x = string() else { return nil }
                name = x
            } else if eq(k, "district") {
                mark(5, &seen)
                guard district == nil, let x = string() else { return nil }
                district = x
            } else if eq(k, "categories") {
                mark(2, &seen)
                guard categories == nil, let x = codes(SubjectCategory.self) else { return nil }
                categories = x
            } else if eq(k, "cadenceDays") {
                mark(1, &seen)
                guard cadenceDays == nil, let x = int() else { return nil }
                cadenceDays = x
            } else if eq(k, "consentToShare") {
                mark(4, &seen)
                guard consentToShare == nil, let x = bool() else { return nil }
                consentToShare = x
            } else if eq(k, "consentDate") {
                mark(3, &seen)
                guard consentDate == nil, let x = date() else { return nil }
                consentDate = x
            } else if eq(k, "active") {
                mark(0, &seen)
                guard active == nil, let x = bool() else { return nil }
                active = x
            } else if eq(k, "note") {
                mark(8, &seen)
                guard note == nil, let x = string() else { return nil }
                note = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        require(seen, 0xf5)
        guard let id, let name, let district else { return nil }
        return Subject(id: id, name: name, district: district, categories: categories ?? [], cadenceDays: cadenceDays,
                       consentToShare: consentToShare ?? false, consentDate: consentDate, active: active ?? true,
                       note: note)
    }

    /// A push's list of versions, with room for as many as the bytes left could hold at ~600 bytes each (a push of
    /// 1000 would otherwise be copied ten times as the array grows); bounded by the input's size, never by a count
    /// in it. Not for a pulled document's list (one version or two): reserved per document, a page's hundreds of
    /// lists would each hold room for hundreds.
    mutating func versions() -> [Version]? {
        var ranges: [Range<Int>?]? = nil
        return versions(ranges: &ranges, room: min((count - i) / 600, 4096))
    }

    /// A list of versions; with `ranges`, also the byte range of each that is exactly what `VersionJSON.encode`
    /// writes for it, nil for one that is not (so a version received in the canonical form is stored as it arrived).
    mutating func versions(ranges: inout [Range<Int>?]?, room: Int = 0) -> [Version]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var list: [Version] = []
        if take(UInt8(ascii: "]")) { return list }
        list.reserveCapacity(room)
        while true {
            ws()
            let start = i
            canonical = true
            guard let v = version() else { return nil }
            list.append(v)
            ranges?.append(canonical ? start..<i : nil)
            guard let more = more(UInt8(ascii: "]")) else { return nil }
            if !more { return list }
        }
    }

    mutating func pushRequest(ranges: inout [Range<Int>?]?) -> PushRequest? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var batchId: String?, replicaId: String?, versions: [Version]?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "batchId") {
                guard batchId == nil, let x = string() else { return nil }
                batchId = x
            } else if eq(k, "replicaId") {
                guard replicaId == nil, let x = string() else { return nil }
                replicaId = x
            } else if eq(k, "versions") {
                let room = min((count - i) / 600, 4096)
                ranges?.reserveCapacity(room)
                guard versions == nil, let x = self.versions(ranges: &ranges, room: room) else { return nil }
                versions = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        guard let batchId, let replicaId, let versions else { return nil }
        return PushRequest(batchId: batchId, replicaId: replicaId, versions: versions)
    }

    mutating func int64() -> Int64? { int().map(Int64.init) }

    mutating func pushResult() -> PushResult? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var documentId: String?, dot: Dot?, outcome: PushOutcome?, code: String?, message: String?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "documentId") {
                guard documentId == nil, let x = string() else { return nil }
                documentId = x
            } else if eq(k, "dot") {
                guard dot == nil, let x = self.dot() else { return nil }
                dot = x
            } else if eq(k, "outcome") {
                guard outcome == nil, let x = string().flatMap(PushOutcome.init(rawValue:)) else { return nil }
                outcome = x
            } else if eq(k, "code") {
                guard code == nil, let x = string() else { return nil }
                code = x
            } else if eq(k, "message") {
                guard message == nil, let x = string() else { return nil }
                message = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        guard let documentId, let dot, let outcome else { return nil }
        return PushResult(documentId: documentId, dot: dot, outcome: outcome, code: code, message: message)
    }

    mutating func pushResponse() -> PushResponse? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var batchId: String?, epoch: String?, results: [PushResult]?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "batchId") {
                guard batchId == nil, let x = string() else { return nil }
                batchId = x
            } else if eq(k, "epoch") {
                guard epoch == nil, let x = string() else { return nil }
                epoch = x
            } else if eq(k, "results") {
                guard results == nil, take(UInt8(ascii: "[")) else { return nil }
                var list: [PushResult] = []
                if !take(UInt8(ascii: "]")) {
                    while true {
                        guard let r = pushResult() else { return nil }
                        list.append(r)
                        guard let more = more(UInt8(ascii: "]")) else { return nil }
                        if !more { break }
                    }
                }
                results = list
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        guard let batchId, let epoch, let results else { return nil }
        return PushResponse(batchId: batchId, epoch: epoch, results: results)
    }

    /// One change of a pull page; with `ranges`, also the byte range of each of its versions.
    mutating func documentChange(ranges: inout [Range<Int>?]?) -> DocumentChange? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var sequence: Int64?, documentId: String?, type: DocumentType?, versions: [Version]?, movedTo: String?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "movedTo") {
                guard movedTo == nil, let x = string() else { return nil }
                movedTo = x
            } else if eq(k, "documentId") {
                guard documentId == nil, let x = string() else { return nil }
                documentId = x
            } else if eq(k, "sequence") {
                guard sequence == nil, let x = int64() else { return nil }
                sequence = x
            } else if eq(k, "type") {
                guard type == nil, let x = string().flatMap(DocumentType.init(rawValue:)) else { return nil }
                type = x
            } else if eq(k, "versions") {
                guard versions == nil, let x = self.versions(ranges: &ranges) else { return nil }
                versions = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        guard let sequence, let documentId, let type, let versions else { return nil }
        return DocumentChange(sequence: sequence, documentId: documentId, type: type, versions: versions, movedTo: movedTo)
    }

    /// A pull page; with `ranges`, also the byte ranges of each change's versions.
    mutating func changesResponse(ranges: inout [[Range<Int>?]]?) -> ChangesResponse? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var epoch: String?, changes: [DocumentChange]?, nextSince: Int64?, hasMore: Bool?
        while true {
            guard let k = key() else { return nil }
            if eq(k, "changes") {
                guard changes == nil, take(UInt8(ascii: "[")) else { return nil }
                var list: [DocumentChange] = []
                if !take(UInt8(ascii: "]")) {
                    while true {
                        var own: [Range<Int>?]? = ranges == nil ? nil : []
                        guard let c = documentChange(ranges: &own) else { return nil }
                        list.append(c)
                        if let own { ranges?.append(own) }
                        guard let more = more(UInt8(ascii: "]")) else { return nil }
                        if !more { break }
                    }
                }
                changes = list
            } else if eq(k, "epoch") {
                guard epoch == nil, let x = string() else { return nil }
                epoch = x
            } else if eq(k, "nextSince") {
                guard nextSince == nil, let x = int64() else { return nil }
                nextSince = x
            } else if eq(k, "hasMore") {
                guard hasMore == nil, let x = bool() else { return nil }
                hasMore = x
            } else {
                return nil
            }
            guard let more = more(UInt8(ascii: "}")) else { return nil }
            if !more { break }
        }
        guard let epoch, let changes, let nextSince, let hasMore else { return nil }
        return ChangesResponse(epoch: epoch, changes: changes, nextSince: nextSince, hasMore: hasMore)
    }
}
