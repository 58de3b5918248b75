import Foundation

/// The one JSON encoder/decoder pair used by client, server and tests, so both sides agree byte for byte.
public enum MimamoriJSON {
    /// Sorted keys make the same value encode to the same bytes (replayed push replies, stored payloads).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder { JSONDecoder() }

    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    /// Decodes after `StrictJSON.check`: no repeated keys, no fractions or exponents, bounded nesting.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try StrictJSON.check(data)
        return try decoder().decode(type, from: data)
    }

    /// A one-line, person-readable account of a decoding failure: which field, and what was wrong.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ p: [any CodingKey]) -> String {
            let s = p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return s.isEmpty ? "the body" : String(s.drop(while: { $0 == "." }))
        }
        switch error {
        case let .typeMismatch(type, ctx):
            return "\(path(ctx.codingPath)): expected \(typeName(type)); \(ctx.debugDescription)"
        case let .valueNotFound(type, ctx):
            return "\(path(ctx.codingPath)): expected \(typeName(type)), found null"
        case let .keyNotFound(key, ctx):
            return "\(path(ctx.codingPath + [key])): required field is missing"
        case let .dataCorrupted(ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return String(describing: error)
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type: return "a whole number"
        case is [Any].Type: return "an array"
        default: return "\(type)"
        }
    }
}

/// A coding key for any field name: used to list the fields a JSON object actually has.
public struct AnyCodingKey: CodingKey, Hashable {
    public let stringValue: String
    public let intValue: Int?
    public init(stringValue: String) { self.stringValue = stringValue; self.intValue = nil }
    public init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    /// Rejects fields this build does not know: a typo like `"kindd"` must not be silently dropped.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        // Runs on every object a server or client decodes: no set is built unless a key is unknown.
        let present = try self.container(keyedBy: AnyCodingKey.self).allKeys
        guard present.contains(where: { Keys(stringValue: $0.stringValue) == nil }) else { return }
        let allowed = Set(Keys.allCases.map(\.stringValue))
        let unknown = present.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            // A hostile key may be megabytes long: name a few, shortened.
            let named = unknown.prefix(5).map { "'\(shortened($0))'" }.joined(separator: ", ") + (unknown.count > 5 ? ", …" : "")
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath,
                debugDescription: "unknown field\(unknown.count > 1 ? "s" : "") \(named); accepted: \(allowed.sorted().joined(separator: ", "))"))
        }
    }
}

extension KeyedDecodingContainer {
    /// An optional array that may be absent: absent means empty.
    public func decodeList<T: Decodable>(_ type: [T].Type, forKey key: Key) throws -> [T] {
        try decodeIfPresent(type, forKey: key) ?? []
    }
}
