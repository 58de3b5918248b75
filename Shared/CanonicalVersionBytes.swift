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
    /// The fast reader also accepts JSON that is not canonical (spaces, another key order); it notes, while it
    /// reads, whether each version's bytes are exactly what `VersionJSON.encode` writes for it, and a version whose
    /// bytes are not is kept in `VersionJSON`'s form instead, so the laptop only ever stores canonical bytes
    /// (never encoded again from a Mimamori server). A page only the Codable path can read gets its versions'
    /// bytes from `VersionJSON` too.
    public static func decode(_ data: Data) throws -> ReceivedChanges {
        let fast: (ChangesResponse, [[Range<Int>?]])? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var p = FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
            var ranges: [[Range<Int>?]]? = []
            guard let r = p.changesResponse(ranges: &ranges), p.atEnd(), let ranges else { return nil }
            return (r, ranges)
        }
        if let (page, ranges) = fast {
            let start = data.startIndex
            let versionJSON = zip(page.changes, ranges).map { change, ranges in
                zip(change.versions, ranges).map { version, range -> Data in
                    guard let range else { return VersionJSON.encode(version) }
                    return data[(start + range.lowerBound)..<(start + range.upperBound)]
                }
            }
            return ReceivedChanges(page: page, versionJSON: versionJSON)
        }
        return ReceivedChanges(try MimamoriJSON.decode(ChangesResponse.self, from: data))
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
        self.init(request, received: nil, ranges: [])
    }

    /// With `received`, the body `request` was read from: the `i`th version is copied from `received[ranges[i]]`
    /// when that range is given (the reader proved those bytes are what `VersionJSON.encode` writes), encoded
    /// otherwise.
    init(_ request: PushRequest, received: UnsafeRawBufferPointer?, ranges given: [Range<Int>?]) {
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
                if let received, i < given.count, let range = given[i] {
                    w.out.append(contentsOf: UnsafeRawBufferPointer(rebasing: received[range]))
                } else {
                    w.version(versions[i])
                }
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
