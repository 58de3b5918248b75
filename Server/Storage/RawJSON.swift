import Foundation

/// Finds the exact bytes of each element of one array member of a JSON object, without decoding them.
/// The server keeps each version as the bytes the client sent and splices them into pull pages, so a
/// version round-trips identically and the hot paths do not re-encode what they already hold.
/// Any surprise (a duplicated member, an escaped key, malformed input) gives nil, and callers fall back to
/// encoding the decoded values.
enum RawJSON {
    static func arrayElements(member: String, of data: Data) -> [Data]? {
        let key = Array(member.utf8)
        return data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Data]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var scanner = Scanner(bytes: bytes)
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: "{")) else { return nil }
            var found: [Data]?
            scanner.skipWhitespace()
            if scanner.take(UInt8(ascii: "}")) { return nil }
            while true {
                scanner.skipWhitespace()
                guard let name = scanner.stringBody() else { return nil }
                scanner.skipWhitespace()
                guard scanner.take(UInt8(ascii: ":")) else { return nil }
                scanner.skipWhitespace()
                if name.elementsEqual(key) {
                    guard found == nil, let elements = scanner.arrayElements() else { return nil }
                    found = elements.map { Data(bytes[$0]) }
                } else {
                    guard scanner.skipValue() else { return nil }
                }
                scanner.skipWhitespace()
                if scanner.take(UInt8(ascii: ",")) { continue }
                guard scanner.take(UInt8(ascii: "}")) else { return nil }
                return found
            }
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            index += 1
            return true
        }

        /// The raw bytes between the quotes of a string without escapes; nil otherwise.
        mutating func stringBody() -> Slice<UnsafeBufferPointer<UInt8>>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while let b = current {
                if b == UInt8(ascii: "\\") { return nil }
                if b == UInt8(ascii: "\"") {
                    index += 1
                    return bytes[start..<(index - 1)]
                }
                index += 1
            }
            return nil
        }

        /// Moves past one string, escapes included.
        mutating func skipString() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            while let b = current {
                index += 1
                if b == UInt8(ascii: "\\") {
                    index += 1
                } else if b == UInt8(ascii: "\"") {
                    return true
                }
            }
            return false
        }

        /// Moves past one value of any kind.
        mutating func skipValue() -> Bool {
            guard let b = current else { return false }
            if b == UInt8(ascii: "\"") { return skipString() }
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                var depth = 0
                while let c = current {
                    if c == UInt8(ascii: "\"") {
                        guard skipString() else { return false }
                        continue
                    }
                    if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") { depth += 1 }
                    if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") { depth -= 1 }
                    index += 1
                    if depth == 0 { return true }
                }
                return false
            }
            // A number, true, false or null: up to the next delimiter.
            while let c = current, c != UInt8(ascii: ","), c != UInt8(ascii: "}"), c != UInt8(ascii: "]"),
                c != 0x20, c != 0x0A, c != 0x0D, c != 0x09 {
                index += 1
            }
            return true
        }

        /// The byte ranges of the elements of the array starting here.
        mutating func arrayElements() -> [Range<Int>]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var ranges: [Range<Int>] = []
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return ranges }
            while true {
                skipWhitespace()
                let start = index
                guard skipValue() else { return nil }
                ranges.append(start..<index)
                skipWhitespace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return ranges
            }
        }
    }
}
