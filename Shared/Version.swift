import Foundation

public enum DocumentType: String, Sendable, Hashable, Codable, CaseIterable {
    case visit
    case subject
}

/// The content of a document version: a visit or a subject.
public enum DocumentPayload: Hashable, Sendable, Codable {
    case visit(Visit)
    case subject(Subject)

    public var type: DocumentType {
        switch self {
        case .visit: return .visit
        case .subject: return .subject
        }
    }

    public var id: String {
        switch self {
        case let .visit(v): return v.id
        case let .subject(s): return s.id
        }
    }

    public var district: String {
        switch self {
        case let .visit(v): return v.district
        case let .subject(s): return s.district
        }
    }

    public var visit: Visit? {
        if case let .visit(v) = self { return v }
        return nil
    }

    public var subject: Subject? {
        if case let .subject(s) = self { return s }
        return nil
    }

    public func problems(today: LocalDate, codes: CodePolicy) -> [ValidationProblem] {
        switch self {
        case let .visit(v): return v.problems(today: today, codes: codes)
        case let .subject(s): return s.problems(today: today, codes: codes)
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case type, visit, subject }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        // The member of the other type is refused, not ignored: nothing unchecked rides along to be stored.
        func refuse(_ other: CodingKeys) throws {
            if c.contains(other) {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: c.codingPath + [other],
                    debugDescription: "a \(type) payload has no '\(other.rawValue)' member; accepted: 'type' and '\(type)' only"))
            }
        }
        switch type {
        case "visit":
            try refuse(.subject)
            self = .visit(try c.decode(Visit.self, forKey: .visit))
        case "subject":
            try refuse(.visit)
            self = .subject(try c.decode(Subject.self, forKey: .subject))
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: c.codingPath + [CodingKeys.type],
                debugDescription: "unknown document type '\(shortened(type))'; accepted: visit, subject"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type.rawValue, forKey: .type)
        switch self {
        case let .visit(v): try c.encode(v, forKey: .visit)
        case let .subject(s): try c.encode(s, forKey: .subject)
        }
    }
}

/// A moment, kept to the millisecond so that a version survives a JSON round trip unchanged.
/// Written as ISO 8601 in UTC, e.g. `2025-04-01T01:02:03.456Z`.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public init(_ date: Date) { self.milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    public static func now() -> Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    public var description: String { ISO8601Milliseconds.format(milliseconds: milliseconds) }

    /// Japan-time wall clock, "2025-04-01 10:02", for showing to people.
    public var japanTimeDescription: String {
        let c = JapanTime.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return "\(c.year!.zeroPadded(4))-\(c.month!.zeroPadded(2))-\(c.day!.zeroPadded(2)) \(c.hour!.zeroPadded(2)):\(c.minute!.zeroPadded(2))"
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let ms = ISO8601Milliseconds.parse(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(text)' is not a timestamp; expected ISO 8601, e.g. 2025-04-01T01:02:03.456Z"))
        }
        self.init(milliseconds: ms)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One stored version of a document: payload, tombstone flag, version vector and the dot of the write that
/// made it. A replica may hold several (siblings) while they are concurrent.
public struct Version: Hashable, Sendable, Codable {
    public let documentId: String
    public let payload: DocumentPayload
    /// A tombstone. Its payload is the record as it was when deleted, so a conflict can show what was deleted.
    public let deleted: Bool
    public let vector: VersionVector
    public let dot: Dot
    /// The person (visitor id) who wrote it.
    public let author: String
    /// The author's clock when writing: for display only, never for deciding anything.
    public let writtenAt: Timestamp

    public init(payload: DocumentPayload, deleted: Bool = false, vector: VersionVector, dot: Dot, author: String,
                writtenAt: Timestamp) {
        self.init(documentId: payload.id, payload: payload, deleted: deleted, vector: vector, dot: dot, author: author,
                  writtenAt: writtenAt)
    }

    /// Every field as given (the decoders' path: `documentId` may differ from the payload's id, which
    /// `structuralProblems` reports).
    init(documentId: String, payload: DocumentPayload, deleted: Bool, vector: VersionVector, dot: Dot, author: String,
         writtenAt: Timestamp) {
        self.documentId = documentId
        self.payload = payload
        self.deleted = deleted
        self.vector = vector
        self.dot = dot
        self.author = author
        self.writtenAt = writtenAt
    }

    public var type: DocumentType { payload.type }
    public var isLive: Bool { !deleted }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case documentId, payload, deleted, vector, dot, author, writtenAt
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        documentId = try c.decode(String.self, forKey: .documentId)
        payload = try c.decode(DocumentPayload.self, forKey: .payload)
        deleted = try c.decodeIfPresent(Bool.self, forKey: .deleted) ?? false
        vector = try c.decode(VersionVector.self, forKey: .vector)
        dot = try c.decode(Dot.self, forKey: .dot)
        author = try c.decode(String.self, forKey: .author)
        writtenAt = try c.decode(Timestamp.self, forKey: .writtenAt)
    }

    /// Structural problems that make a version unusable whatever its content: id mismatch, a dot that is not
    /// the version's own entry in its vector, zero or absurd counters.
    public var structuralProblems: [ValidationProblem] {
        var p: [ValidationProblem] = []
        if documentId != payload.id {
            p.append(.init(field: "documentId", value: shortened(documentId), accepted: "the payload's id (\(shortened(payload.id)))"))
        }
        if dot.counter == 0 || dot.counter > VersionVector.maxCounter || vector[dot.replica] != dot.counter {
            p.append(.init(field: "dot", value: dot.description,
                           accepted: "a counter from 1 to 2^53 equal to the vector's entry for the dot's replica"))
        }
        if vector.counters.count > Limits.vectorEntries {
            p.append(.init(field: "vector", value: "\(vector.counters.count) entries",
                           accepted: "at most \(Limits.vectorEntries) entries, one per replica that wrote the document"))
        } else {
            if let bad = vector.counters.first(where: { $0.value > VersionVector.maxCounter }) {
                p.append(.init(field: "vector", value: "\(shortened(bad.key)):\(bad.value)", accepted: "counters from 1 to 2^53"))
            }
            if let bad = vector.counters.keys.first(where: { !DocumentID.isValid($0) }) {
                p.append(.init(field: "vector", value: shortened(bad),
                               accepted: "replica ids as keys: \(DocumentID.acceptedDescription)"))
            }
        }
        if !DocumentID.isValid(dot.replica) {
            p.append(.init(field: "dot.replica", value: shortened(dot.replica), accepted: DocumentID.acceptedDescription))
        }
        if !DocumentID.isValid(documentId) {
            p.append(.init(field: "documentId", value: shortened(documentId), accepted: DocumentID.acceptedDescription))
        }
        var author = Checker(codes: .allowUnknown)
        author.text(self.author, "author", Limits.idText)
        return p + author.problems
    }
}
