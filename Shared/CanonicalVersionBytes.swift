import Foundation

/// A pull page together with the JSON of each version as it arrived: the canonical bytes the server stores and
/// sends (the bytes `VersionJSON.encode` writes), so a laptop stores them without encoding the version again.
public struct ReceivedChanges: Sendable {
    public let page: ChangesResponse
    /// `versionJSON[i][j]` is the JSON of `page.changes[i].versions[j]`.
    public let versionJSON: [[Data]]

    /// A page built in memory (test doubles, benchmarks): each version encoded by `VersionJSON`.
    public init(_ page: ChangesResponse) {
        self.page = page
        self.versionJSON = page.changes.map { $0.versions.map(VersionJSON.encode) }
    }

    init(page: ChangesResponse, versionJSON: [[Data]]) {
        self.page = page
        self.versionJSON = versionJSON
    }

    /// Reads a `/v1/changes` reply, keeping each version's bytes as received (slices of `data`, not copies).
    /// The fast reader also accepts JSON that is not canonical (spaces, another key order); a version whose bytes
    /// are not exactly what `VersionJSON` writes is kept in `VersionJSON`'s form instead, so the laptop only ever
    /// stores canonical bytes. That check runs here, in the task that fetches and decodes the next page (on the
    /// other core while a page is applied), never in the writer. A page only the Codable path can read gets its
    /// versions' bytes from `VersionJSON` too.
    public static func decode(_ data: Data) throws -> ReceivedChanges {
        let fast: (ChangesResponse, [[Range<Int>]])? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var p = FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
            var ranges: [[Range<Int>]]? = []
            guard let r = p.changesResponse(ranges: &ranges), p.atEnd(), let ranges else { return nil }
            return (r, ranges)
        }
        if let (page, ranges) = fast {
            let start = data.startIndex
            // Each version's canonical form is written into one buffer, reused, and compared with the received
            // bytes in place: copied out only when they differ (never, from a Mimamori server).
            var canonical: [UInt8] = []
            canonical.reserveCapacity(1024)
            let versionJSON = data.withUnsafeBytes { raw in
                zip(page.changes, ranges).map { change, ranges in
                    zip(change.versions, ranges).map { version, range -> Data in
                        canonical.removeAll(keepingCapacity: true)
                        VersionJSON.encode(version, into: &canonical)
                        let received = UnsafeRawBufferPointer(rebasing: raw[range])
                        let same = canonical.withUnsafeBytes { Self.sameBytes($0, received) }
                        return same ? data[(start + range.lowerBound)..<(start + range.upperBound)] : Data(canonical)
                    }
                }
            }
            return ReceivedChanges(page: page, versionJSON: versionJSON)
        }
        return ReceivedChanges(try MimamoriJSON.decode(ChangesResponse.self, from: data))
    }

    private static func sameBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return a.count == 0 }
        return memcmp(pa, pb, a.count) == 0
    }
}

extension MimamoriJSON {
    /// A push body spliced from versions' stored JSON: the same bytes `encodePush` writes for a request holding
    /// those versions, when each is stored as `VersionJSON.encode` wrote it.
    public static func encodePush(batchId: String, replicaId: String, versionJSON: [Data]) -> Data {
        var w = FastJSONWriter(out: [])
        w.out.reserveCapacity(64 + versionJSON.reduce(0) { $0 + $1.count + 1 })
        w.pushHead(batchId: batchId, replicaId: replicaId)
        for (i, json) in versionJSON.enumerated() {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            w.out.append(contentsOf: json)
        }
        w.lit("]}")
        return Data(w.out)
    }
}

/// The canonical JSON (`VersionJSON`) of a push's versions, written once into one buffer: `joined` is the body of
/// the `versions` array (the versions separated by commas), so the batch's canonical body is `head`, `joined`,
/// `tail` — the bytes `encodePush(request)` writes — and each version's JSON is a slice of it, not a copy.
public struct CanonicalPushBytes: Sendable {
    /// `{"batchId":…,"replicaId":…,"versions":[`
    public let head: Data
    public let joined: Data
    public static let tail = Data("]}".utf8)
    private let ranges: [Range<Int>]

    public init(_ request: PushRequest) {
        var h = FastJSONWriter(out: [])
        h.pushHead(batchId: request.batchId, replicaId: request.replicaId)
        head = Data(h.out)
        var w = FastJSONWriter(out: [])
        w.out.reserveCapacity(request.versions.count * 700)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(request.versions.count)
        // Read in place: a version is a large value, costly to copy.
        request.versions.withUnsafeBufferPointer { versions in
            for i in versions.indices {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                let start = w.out.count
                w.version(versions[i])
                ranges.append(start..<w.out.count)
            }
        }
        joined = Data(w.out)
        self.ranges = ranges
    }

    /// The canonical JSON of the request's `i`th version.
    public func json(at i: Int) -> Data {
        let r = ranges[i]
        return joined[(joined.startIndex + r.lowerBound)..<(joined.startIndex + r.upperBound)]
    }
}

extension FastJSONWriter {
    /// What a push body holds before its first version.
    mutating func pushHead(batchId: String, replicaId: String) {
        lit(#"{"batchId":"#); string(batchId)
        lit(#","replicaId":"#); string(replicaId)
        lit(#","versions":["#)
    }
}
