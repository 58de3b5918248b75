import Foundation

/// The rules every JSON body must meet before Codable reads it, which Foundation's `JSONDecoder` does not
/// enforce: no object repeats a key (a reader that takes the first and one that takes the last would see
/// different records — `"district":"k01","district":"k02"`), numbers are whole and fit in 64 bits (`1.0` and
/// `1e0` are not counters), strings are valid UTF-8 with no lone surrogate, and nesting stays shallow.
/// `VersionJSON`'s fast reader refuses the same things, so the fast path and the fallback accept the same
/// bodies; this check walks the body with the fast reader's own lexer (`FastJSONParser`).
public enum StrictJSON {
    /// Deeper than any Mimamori message (a push is 5 levels deep).
    public static let maxDepth = 32

    /// Throws `DecodingError.dataCorrupted` naming the path of the first offence; returns quietly otherwise.
    /// Syntax errors are left to `JSONDecoder`, which describes them.
    public static func check(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var walker = Walker(p: FastJSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: raw.count))
            try walker.value(path: [], depth: 0)
        }
    }

    private struct Walker {
        var p: FastJSONParser

        func refuse(_ path: [any CodingKey], _ message: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: path, debugDescription: message))
        }

        /// The next byte after whitespace, not consumed; nil at the end.
        mutating func peek() -> UInt8? {
            p.ws()
            return p.i < p.count ? p.base[p.i] : nil
        }

        /// A string with escapes resolved (so `"no\u0074e"` is the key `note`); nil at a syntax error. A string
        /// the fast reader refuses for its content — invalid UTF-8, a lone surrogate, a raw control character —
        /// is refused here, naming the field, rather than repaired.
        mutating func string(path: [any CodingKey]) throws -> String? {
            let start = p.i
            if let s = p.string() { return s }
            // Cut short: a syntax error for JSONDecoder to describe.
            var j = start + 1
            while j < p.count, p.base[j] != UInt8(ascii: "\"") { j += p.base[j] == UInt8(ascii: "\\") ? 2 : 1 }
            guard j < p.count else { return nil }
            throw refuse(path, "a string is not valid text (invalid UTF-8, a lone UTF-16 surrogate or a raw control character); accepted: UTF-8 text, control characters escaped, surrogates only in pairs")
        }

        mutating func value(path: [any CodingKey], depth: Int) throws {
            guard let first = peek() else { return }
            switch first {
            case UInt8(ascii: "{"):
                guard depth < maxDepth else { throw refuse(path, "nested more than \(maxDepth) levels deep") }
                p.i += 1
                var seen = Set<String>()
                if peek() == UInt8(ascii: "}") { p.i += 1; return }
                while true {
                    guard peek() == UInt8(ascii: "\""), let key = try string(path: path) else { return }
                    let keyPath = path + [AnyCodingKey(stringValue: key)]
                    guard seen.insert(key).inserted else {
                        throw refuse(keyPath, "the field '\(shortened(key))' appears more than once in one object; accepted: each field at most once")
                    }
                    guard p.take(UInt8(ascii: ":")) else { return }
                    try value(path: keyPath, depth: depth + 1)
                    guard let more = p.more(UInt8(ascii: "}")), more else { return }
                }
            case UInt8(ascii: "["):
                guard depth < maxDepth else { throw refuse(path, "nested more than \(maxDepth) levels deep") }
                p.i += 1
                if peek() == UInt8(ascii: "]") { p.i += 1; return }
                var index = 0
                while true {
                    try value(path: path + [AnyCodingKey(intValue: index)!], depth: depth + 1)
                    index += 1
                    guard let more = p.more(UInt8(ascii: "]")), more else { return }
                }
            case UInt8(ascii: "\""):
                _ = try string(path: path)
            case UInt8(ascii: "-"), 0x30...0x39:
                try number(path: path)
            default:
                // true, false, null, or a syntax error: JSONDecoder knows which.
                while p.i < p.count, (0x61...0x7A).contains(p.base[p.i]) { p.i += 1 }
            }
        }

        mutating func number(path: [any CodingKey]) throws {
            let start = p.i
            while p.i < p.count, (0x30...0x39).contains(p.base[p.i]) || [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                                                                        UInt8(ascii: "+"), UInt8(ascii: "-")].contains(p.base[p.i]) {
                p.i += 1
            }
            let text = String(decoding: UnsafeBufferPointer(start: p.base + start, count: p.i - start), as: UTF8.self)
            if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                throw refuse(path, "the number \(text.prefix(24)) has a fraction or exponent; accepted: whole numbers written without '.', 'e' or 'E'")
            }
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), Int64(text) == nil {
                throw refuse(path, "the number \(text.prefix(24)) is out of range; accepted: whole numbers from -2^63 to 2^63-1 (counters up to 2^53)")
            }
        }
    }
}
