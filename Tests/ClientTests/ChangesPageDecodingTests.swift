import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("Fast decoding of pulled pages agrees with Shared's decoder")
struct ChangesPageDecodingTests {
    func version(_ ms: Int64) -> Version {
        let visit = Visit(id: DocumentID.make(), kind: .fureaiWatch, date: LocalDate("2025-05-05")!, visitorId: "V-2",
                          visitorRole: .minseiIin, subjectId: "S-1", district: "nishi", note: "メモ")
        let r = DocumentID.make()
        return Version(payload: .visit(visit), deleted: ms % 2 == 0, vector: VersionVector([r: 4]), dot: Dot(replica: r, counter: 4),
                       author: "V-2", writtenAt: Timestamp(milliseconds: ms))
    }

    @Test("same result as ChangesResponse's own Codable", arguments: [Int64(0), 1, 999, 1_748_000_000_123, 4_102_444_799_999, 951_782_400_500])
    func agrees(_ ms: Int64) throws {
        let response = ChangesResponse(epoch: "e", changes: [DocumentChange(sequence: 3, documentId: version(ms).documentId,
                                                                            type: .visit, versions: [version(ms), version(ms + 1)])],
                                       nextSince: 3, hasMore: true)
        let data = try MimamoriJSON.encode(response)
        let shared = try MimamoriJSON.decode(ChangesResponse.self, from: data)
        let fast = try MimamoriJSON.decode(ChangesPage.self, from: data).response
        #expect(fast == shared)
    }

    @Test("other timestamp forms fall back to Timestamp's decoder; malformed ones are refused")
    func fallback() throws {
        #expect(ChangesPage.parseTimestamp("2025-04-01T01:02:03Z") == Timestamp(milliseconds: 1_743_469_323_000))
        #expect(ChangesPage.parseTimestamp("2025-04-01T01:02:03.4Z") == Timestamp(milliseconds: 1_743_469_323_400))
        #expect(ChangesPage.parseTimestamp("2025-04-01T10:02:03+09:00") == nil)
        #expect(ChangesPage.parseTimestamp("2025-02-30T01:02:03.000Z") == nil)
        #expect(ChangesPage.parseTimestamp("2025-04-01T24:00:00.000Z") == nil)
        let v = version(5)
        var json = String(decoding: try MimamoriJSON.encode(v), as: UTF8.self)
        json = json.replacingOccurrences(of: v.writtenAt.description, with: "1970-01-01T09:00:00.005+09:00")
        let page = "{\"epoch\":\"e\",\"nextSince\":1,\"hasMore\":false,\"changes\":[{\"sequence\":1,\"documentId\":\"\(v.documentId)\",\"type\":\"visit\",\"versions\":[\(json)]}]}"
        #expect(try MimamoriJSON.decode(ChangesPage.self, from: Data(page.utf8)).response.changes[0].versions == [v])
        let unknown = page.replacingOccurrences(of: "\"author\"", with: "\"extra\":1,\"author\"")
        #expect(throws: DecodingError.self) { try MimamoriJSON.decode(ChangesPage.self, from: Data(unknown.utf8)) }
    }
}
