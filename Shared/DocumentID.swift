import Foundation

/// Client-generated document ids: time-ordered UUIDv7 (RFC 9562), lower-case text.
/// Time order keeps new visits together in B-tree indexes; the 74 random bits keep ids globally unique.
public enum DocumentID {
    public static func make(now: Date = Date()) -> String {
        var rng = SystemRandomNumberGenerator()
        return make(now: now, using: &rng)
    }

    public static func make<R: RandomNumberGenerator>(now: Date, using rng: inout R) -> String {
        let ms = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - UInt64(i)))) }
        let r1 = rng.next() as UInt64
        let r2 = rng.next() as UInt64
        for i in 6..<16 {
            let source = i < 14 ? r1 : r2
            bytes[i] = UInt8(truncatingIfNeeded: source >> (8 * UInt64(i % 8)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        // Written byte by byte (8-4-4-4-12 lower-case hex digits): a laptop makes one for every write and batch.
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(b >> 4)])
            text.append(hexDigits[Int(b & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Ids are UUIDs made by a client, or — for subjects — a short id the office already uses (e.g. `S-0042`):
    /// 1 to 64 characters from A–Z, a–z, 0–9, `-`, `_`, `.`.
    public static func isValid(_ id: String) -> Bool {
        // Byte checks, not CharacterSet: this runs for every id of every version a server receives.
        let count = id.utf8.count
        return count > 0 && count <= 64 && allUTF8(of: id) { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
        }
    }

    public static let acceptedDescription = "1–64 characters of A–Z, a–z, 0–9, '-', '_' or '.'"
}
