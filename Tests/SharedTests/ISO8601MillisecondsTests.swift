import Foundation
@testable import MimamoriShared
import Testing

/// The arithmetic timestamp codec agrees with Foundation's formatter.
@Suite("ISO 8601 timestamps by arithmetic")
struct ISO8601MillisecondsTests {
    @Test("formatting agrees with ISO8601DateFormatter, parsing inverts it", arguments: [UInt64(7), 8, 9])
    func agreesWithFoundation(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let foundation = ISO8601DateFormatter()
        foundation.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for _ in 0..<300 {
            // 1970 … 2100, and a few before 1970.
            let ms = Int64.random(in: -86_400_000 * 400 ... 4_102_444_800_000, using: &rng)
            let text = ISO8601Milliseconds.format(milliseconds: ms)
            #expect(text == foundation.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
            #expect(ISO8601Milliseconds.parse(text) == ms)
            #expect(try MimamoriJSON.decode(Timestamp.self, from: MimamoriJSON.encode(Timestamp(milliseconds: ms))).milliseconds == ms)
        }
    }

    @Test("offsets, short fractions and no fraction", arguments: [
        ("2025-04-01T10:02:03.456+09:00", "2025-04-01T01:02:03.456Z"),
        ("2025-04-01T01:02:03Z", "2025-04-01T01:02:03.000Z"),
        ("2025-04-01T01:02:03.4Z", "2025-04-01T01:02:03.400Z"),
        ("2025-04-01T01:02:03.456789Z", "2025-04-01T01:02:03.456Z"),
        ("2024-02-29T23:59:59.999-01:30", "2024-03-01T01:29:59.999Z"),
    ])
    func variants(text: String, expected: String) {
        let ms = ISO8601Milliseconds.parse(text)
        #expect(ms.map { ISO8601Milliseconds.format(milliseconds: $0) } == expected)
    }

    @Test("anything else is nil", arguments: ["", "2025-04-01", "2025-02-30T00:00:00Z", "2025-04-01T24:00:00Z",
                                             "2025-04-01T01:02:03", "2025-04-01T01:02:03.Z", "2025-04-01T01:02:03Zjunk",
                                             "2025-04-01 01:02:03Z"])
    func rejects(text: String) {
        #expect(ISO8601Milliseconds.parse(text) == nil)
    }
}
