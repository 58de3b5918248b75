import Foundation
import MimamoriShared

/// Decodes a `ChangesResponse` exactly as Shared's `Codable` conformance does (same keys, same refusal of
/// unknown fields), except that `writtenAt` in the usual `YYYY-MM-DDTHH:MM:SS.mmmZ` form is parsed by hand.
///
/// Why: on Linux, `Timestamp`'s decoding through `ISO8601DateFormatter` costs about 65 µs per version and was
/// 44% of the time to pull 20,000 visits (perf). Other forms still go through `Timestamp`'s own decoder.
/// Candidate for Shared: `Timestamp.init(from:)` could take this fast path for everyone (server push included).
struct ChangesPage: Decodable {
    let response: ChangesResponse

    private enum Keys: String, CodingKey, CaseIterable { case epoch, changes, nextSince, hasMore }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        response = ChangesResponse(epoch: try c.decode(String.self, forKey: .epoch),
                                   changes: try c.decode([Change].self, forKey: .changes).map(\.change),
                                   nextSince: try c.decode(Int64.self, forKey: .nextSince),
                                   hasMore: try c.decode(Bool.self, forKey: .hasMore))
    }

    struct Change: Decodable {
        let change: DocumentChange
        private enum Keys: String, CodingKey, CaseIterable { case sequence, documentId, type, versions }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            change = DocumentChange(sequence: try c.decode(Int64.self, forKey: .sequence),
                                    documentId: try c.decode(String.self, forKey: .documentId),
                                    type: try c.decode(DocumentType.self, forKey: .type),
                                    versions: try c.decode([WireVersion].self, forKey: .versions).map(\.version))
        }
    }

    struct WireVersion: Decodable {
        let version: Version
        typealias Keys = Version.CodingKeys

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(Keys.self)
            let c = try decoder.container(keyedBy: Keys.self)
            let payload = try c.decode(DocumentPayload.self, forKey: .payload)
            let documentId = try c.decode(String.self, forKey: .documentId)
            let writtenAt: Timestamp
            if let fast = ChangesPage.parseTimestamp(try c.decode(String.self, forKey: .writtenAt)) {
                writtenAt = fast
            } else {
                writtenAt = try c.decode(Timestamp.self, forKey: .writtenAt)
            }
            version = Version(payload: payload, deleted: try c.decodeIfPresent(Bool.self, forKey: .deleted) ?? false,
                              vector: try c.decode(VersionVector.self, forKey: .vector), dot: try c.decode(Dot.self, forKey: .dot),
                              author: try c.decode(String.self, forKey: .author), writtenAt: writtenAt)
            // Version's init takes the id from the payload; a mismatch must stay visible, as in Shared's decoder.
            guard version.documentId == documentId else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [Keys.documentId],
                    debugDescription: "documentId '\(documentId)' differs from the payload's id '\(payload.id)'"))
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` → milliseconds since 1970, or nil for any other form.
    static func parseTimestamp(_ text: String) -> Timestamp? {
        let u = Array(text.utf8)
        guard u.count >= 20, u.last == UInt8(ascii: "Z"), u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
              u[10] == UInt8(ascii: "T"), u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard (48...57).contains(u[i]) else { return nil }
                n = n * 10 + Int(u[i] - 48)
            }
            return n
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
              let mi = number(14..<16), let s = number(17..<19), h < 24, mi < 60, s < 60,
              let date = LocalDate(year: y, month: mo, day: d) else { return nil }
        var ms = 0
        if u.count > 20 {
            let digits = u.count - 21  // after the '.' and before the 'Z'
            guard u[19] == UInt8(ascii: "."), (1...3).contains(digits), let f = number(20..<(20 + digits)) else { return nil }
            ms = f * [100, 10, 1][digits - 1]
        }
        let seconds = Int64(date.dayNumber) * 86_400 + Int64(h * 3600 + mi * 60 + s)
        return Timestamp(milliseconds: seconds * 1000 + Int64(ms))
    }
}
