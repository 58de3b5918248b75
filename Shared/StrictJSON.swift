import Foundation

/// The rules every JSON body must meet before Codable reads it, which Foundation's `JSONDecoder` does not
/// enforce: no object repeats a key (a reader that takes the first and one that takes the last would see
/// different records — `"district":"k01","district":"k02"`), numbers are whole (`1.0` and `1e0` are not
/// counters), and nesting stays shallow. `VersionJSON`'s fast reader refuses the same things, so the fast
/// path and the fallback accept the same bodies.
public enum StrictJSON {
    /// Deeper than any Mimamori message (a push is 5 levels deep).
    public static let maxDepth = 32

    /// Throws `DecodingError.dataCorrupted` naming the path of the first offence; returns quietly otherwise.
    /// Syntax errors are left to `JSONDecoder`, which describes them.
    public static func check(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var scanner = Scanner(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
            try scanner.value(path: [], depth: 0)
        }
    }

    private struct Scanner {
        let base: UnsafePointer<UInt8>
        let count: Int
        var i = 0

        init(base: UnsafePointer<UInt8>, count: Int) {
            self.base = base
            self.count = count
        }

        /// Stops scanning: the syntax error is `JSONDecoder`'s to report.
        struct SyntaxError: Error {}

        func refuse(_ path: [any CodingKey], _ message: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: path, debugDescription: message))
        }

        mutating func ws() {
            while i < count, base[i] == 0x20 || base[i] == 0x0A || base[i] == 0x0D || base[i] == 0x09 { i += 1 }
        }

        mutating func value(path: [any CodingKey], depth: Int) throws {
            ws()
            guard i < count else { return }
            switch base[i] {
            case UInt8(ascii: "{"):
                guard depth < maxDepth else { throw refuse(path, "nested more than \(maxDepth) levels deep") }
                i += 1
                var seen = Set<String>()
                ws()
                if i < count, base[i] == UInt8(ascii: "}") { i += 1; return }
                while true {
                    ws()
                    guard let key = try string(path: path) else { return }
                    let keyPath = path + [AnyCodingKey(stringValue: key)]
                    guard seen.insert(key).inserted else {
                        throw refuse(keyPath, "the field '\(key)' appears more than once in one object; accepted: each field at most once")
                    }
                    ws()
                    guard i < count, base[i] == UInt8(ascii: ":") else { return }
                    i += 1
                    try value(path: keyPath, depth: depth + 1)
                    ws()
                    guard i < count else { return }
                    if base[i] == UInt8(ascii: ",") { i += 1; continue }
                    if base[i] == UInt8(ascii: "}") { i += 1; return }
                    return
                }
            case UInt8(ascii: "["):
                guard depth < maxDepth else { throw refuse(path, "nested more than \(maxDepth) levels deep") }
                i += 1
                ws()
                if i < count, base[i] == UInt8(ascii: "]") { i += 1; return }
                var index = 0
                while true {
                    try value(path: path + [AnyCodingKey(intValue: index)!], depth: depth + 1)
                    index += 1
                    ws()
                    guard i < count else { return }
                    if base[i] == UInt8(ascii: ",") { i += 1; continue }
                    if base[i] == UInt8(ascii: "]") { i += 1; return }
                    return
                }
            case UInt8(ascii: "\""):
                _ = try string(path: path)
            case UInt8(ascii: "-"), 0x30...0x39:
                let start = i
                i += 1
                while i < count, (0x30...0x39).contains(base[i]) || base[i] == UInt8(ascii: ".")
                    || base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E") || base[i] == UInt8(ascii: "+")
                    || base[i] == UInt8(ascii: "-") {
                    if base[i] == UInt8(ascii: ".") || base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E") {
                        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: min(i - start + 1, 24)), as: UTF8.self)
                        throw refuse(path, "the number \(text)… has a fraction or exponent; accepted: whole numbers written without '.', 'e' or 'E'")
                    }
                    i += 1
                }
                let text = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
                let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
                if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), Int64(text) == nil {
                    throw refuse(path, "the number \(text.prefix(24)) is out of range; accepted: whole numbers from -2^63 to 2^63-1 (counters up to 2^53)")
                }
            default:
                // true, false, null, or a syntax error: JSONDecoder knows which.
                while i < count, (0x61...0x7A).contains(base[i]) { i += 1 }
            }
        }

        /// A string's decoded value (escapes resolved, so `"no\u0074e"` is the key `note`); nil on bad syntax.
        /// Invalid UTF-8 and lone UTF-16 surrogates are refused here, naming the field, rather than repaired.
        mutating func string(path: [any CodingKey]) throws -> String? {
            guard i < count, base[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var bytes: [UInt8] = []
            while i < count {
                let b = base[i]
                i += 1
                if b == UInt8(ascii: "\"") {
                    guard let text = String(validating: bytes, as: UTF8.self) else {
                        throw refuse(path, "a string is not valid UTF-8; accepted: text in UTF-8")
                    }
                    return text
                }
                guard b == UInt8(ascii: "\\") else {
                    bytes.append(b)
                    continue
                }
                guard i < count else { return nil }
                let e = base[i]
                i += 1
                switch e {
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    guard let u = hex4() else { return nil }
                    var scalar = u
                    if (0xD800...0xDBFF).contains(u), i + 6 <= count, base[i] == UInt8(ascii: "\\"),
                        base[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        guard let low = hex4() else { return nil }
                        if (0xDC00...0xDFFF).contains(low) { scalar = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00) }
                    }
                    guard let s = Unicode.Scalar(scalar) else {
                        throw refuse(path, "a string holds a lone UTF-16 surrogate (\\u\(String(u, radix: 16))); accepted: text in UTF-8, surrogates only in pairs")
                    }
                    bytes.append(contentsOf: Array(String(Character(s)).utf8))
                default: bytes.append(e)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= count else { return nil }
            var n: UInt32 = 0
            for k in 0..<4 {
                let b = base[i + k]
                let d: UInt32
                switch b {
                case 0x30...0x39: d = UInt32(b - 0x30)
                case 0x41...0x46: d = UInt32(b - 0x41 + 10)
                case 0x61...0x66: d = UInt32(b - 0x61 + 10)
                default: return nil
                }
                n = n << 4 | d
            }
            i += 4
            return n
        }
    }
}
