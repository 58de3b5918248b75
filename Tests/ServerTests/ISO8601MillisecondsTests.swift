import Foundation
import MimamoriServer
import MimamoriShared
import Testing

/// The arithmetic timestamp codec proposed for Shared agrees with Foundation's formatter.
@Suite("ISO 8601 timestamps by arithmetic")
struct ISO8601MillisecondsTests {
    @Test("formatting agrees with Timestamp.description, parsing inverts it", arguments: [UInt64(7), 8, 9])
    func agreesWithFoundation(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<300 {
            // 1970 … 2100, and a few before 1970.
            let ms = Int64.random(in: -86_400_000 * 400 ... 4_102_444_800_000, using: &rng)
            let timestamp = Timestamp(milliseconds: ms)
            #expect(ISO8601Milliseconds.format(milliseconds: ms) == timestamp.description)
            #expect(ISO8601Milliseconds.parse(timestamp.description) == ms)
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
