import Foundation

/// How two version vectors relate.
public enum Causality: String, Sendable, Hashable {
    /// The left side happened before the right (the right descends from it).
    case before
    case after
    case equal
    case concurrent
}

/// Replica id → the highest counter of that replica's writes that a version has seen.
/// Keyed by replica (never by server: the server is not a writer), so concurrency is detected exactly.
public struct VersionVector: Hashable, Sendable, Codable, CustomStringConvertible {
    public private(set) var counters: [String: UInt64]

    /// Counters above this are refused: JSON numbers are exact only up to 2^53, and no replica writes that much.
    public static let maxCounter: UInt64 = 1 << 53

    public init(_ counters: [String: UInt64] = [:]) {
        self.counters = counters.filter { $0.value > 0 }
    }

    public subscript(replica: String) -> UInt64 { counters[replica] ?? 0 }

    /// True when every entry of `other` is ≤ the same entry here (a version with this vector has seen `other`).
    public func descends(from other: VersionVector) -> Bool {
        other.counters.allSatisfy { self[$0.key] >= $0.value }
    }

    public func compare(_ other: VersionVector) -> Causality {
        switch (descends(from: other), other.descends(from: self)) {
        case (true, true): return .equal
        case (true, false): return .after
        case (false, true): return .before
        case (false, false): return .concurrent
        }
    }

    /// Pointwise maximum.
    public func merged(with other: VersionVector) -> VersionVector {
        var result = counters
        for (r, c) in other.counters where c > result[r] ?? 0 { result[r] = c }
        return VersionVector(result)
    }

    public static func merged<S: Sequence>(_ vectors: S) -> VersionVector where S.Element == VersionVector {
        vectors.reduce(VersionVector()) { $0.merged(with: $1) }
    }

    public func setting(_ replica: String, to counter: UInt64) -> VersionVector {
        var result = counters
        result[replica] = counter
        return VersionVector(result)
    }

    public var description: String {
        "{" + counters.sorted { $0.key < $1.key }.map { "\(String(String.UnicodeScalarView($0.key.unicodeScalars.prefix(8)))):\($0.value)" }.joined(separator: ", ") + "}"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        do {
            self.init(try container.decode([String: UInt64].self))
        } catch {
            // Foundation's message for a negative counter names no field; say which entry is wrong.
            if let signed = try? container.decode([String: Int64].self), let bad = signed.first(where: { $0.value < 0 }) {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "counter \(bad.value) for replica '\(bad.key)' is negative; accepted: whole numbers from 1 to 2^53"))
            }
            throw error
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(counters)
    }
}

/// The replica and counter of the write that made a version.
public struct Dot: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let replica: String
    public let counter: UInt64

    public init(replica: String, counter: UInt64) {
        self.replica = replica
        self.counter = counter
    }

    /// A fixed total order, the same on every replica: counter, then replica id.
    public static func < (a: Dot, b: Dot) -> Bool { (a.counter, a.replica) < (b.counter, b.replica) }

    private enum CodingKeys: String, CodingKey, CaseIterable { case counter, replica }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        replica = try c.decode(String.self, forKey: .replica)
        counter = try c.decode(UInt64.self, forKey: .counter)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(counter, forKey: .counter)
        try c.encode(replica, forKey: .replica)
    }

    /// The first 8 scalars of the replica (not characters: one character of combining marks can be megabytes).
    public var description: String { "\(String(String.UnicodeScalarView(replica.unicodeScalars.prefix(8))))#\(counter)" }
}
