import Foundation

public enum DocumentType: String, Sendable, Hashable, Codable, CaseIterable {
    case visit
    case subject
    /// 活動記録: work of a 民生委員 that is not a visit (`Activity`).
    case activity

    /// The types every laptop reads, including those from before a type was added: what a pull that names no
    /// `types` is sent.
    public static let readByEveryLaptop: Set<DocumentType> = [.visit, .subject]
}

/// What a tombstone keeps of its document: only what sync and counting need — which document, of which type,
/// in which 校区 (for scoping). The note, the name and every other field are erased when a document is deleted.
public struct ErasedDocument: Hashable, Sendable, Codable {
    public let type: DocumentType
    public let id: String
    public let district: String

    public init(type: DocumentType, id: String, district: String) {
        self.type = type
        self.id = id
        self.district = district
    }
}

/// The content of a document version: a visit, a subject or an activity, or — in a tombstone — what is left of one.
public indirect enum DocumentPayload: Hashable, Sendable, Codable {
    case visit(Visit)
    case subject(Subject)
    case activity(Activity)
    /// A tombstone's payload, and only a tombstone's (`Version.structuralProblems` holds both to it).
    case erased(ErasedDocument)

    public var type: DocumentType {
        switch self {
        case .visit: return .visit
        case .subject: return .subject
        case .activity: return .activity
        case let .erased(e): return e.type
        }
    }

    public var id: String {
        switch self {
        case let .visit(v): return v.id
        case let .subject(s): return s.id
        case let .activity(a): return a.id
        case let .erased(e): return e.id
        }
    }

    public var district: String {
        switch self {
        case let .visit(v): return v.district
        case let .subject(s): return s.district
        case let .activity(a): return a.district
        case let .erased(e): return e.district
        }
    }

    /// The same document with its content erased: what a delete writes.
    public var erased: DocumentPayload { .erased(ErasedDocument(type: type, id: id, district: district)) }

    public var isErased: Bool {
        if case .erased = self { return true }
        return false
    }

    public var visit: Visit? {
        if case let .visit(v) = self { return v }
        return nil
    }

    public var subject: Subject? {
        if case let .subject(s) = self { return s }
        return nil
    }

    public var activity: Activity? {
        if case let .activity(a) = self { return a }
        return nil
    }

    public func problems(today: LocalDate, codes: CodePolicy) -> [ValidationProblem] {
        switch self {
        case let .visit(v): return v.problems(today: today, codes: codes)
        case let .subject(s): return s.problems(today: today, codes: codes)
        case let .activity(a): return a.problems(today: today, codes: codes)
        case let .erased(e): return e.problems()
        }
    }

    /// Wire form: `{"type": "visit", "visit": {…}}`, `{"type": "subject", "subject": {…}}`,
    /// `{"type": "activity", "activity": {…}}`, or for a tombstone
    /// `{"type": "visit", "erased": {"district": "nishi", "id": "…"}}`.
    private enum CodingKeys: String, CodingKey, CaseIterable { case type, visit, subject, activity, erased }

    private struct ErasedBody: Codable {
        let id: String
        let district: String
        enum CodingKeys: String, CodingKey, CaseIterable { case id, district }

        init(id: String, district: String) { self.id = id; self.district = district }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            district = try c.decode(String.self, forKey: .district)
        }
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        // One body member, the one its type names (or `erased`); another is refused, not ignored: nothing
        // unchecked rides along to be stored.
        let members = [CodingKeys.visit, .subject, .activity, .erased].filter(c.contains)
        func only(_ member: CodingKeys) throws {
            if let other = members.first(where: { $0 != member }) {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: c.codingPath + [other],
                    debugDescription: "a \(type) payload has no '\(other.rawValue)' member; accepted: 'type' and either '\(type)' or, in a tombstone, 'erased'"))
            }
        }
        if c.contains(.erased), let documentType = DocumentType(rawValue: type) {
            try only(.erased)
            let body = try c.decode(ErasedBody.self, forKey: .erased)
            self = .erased(ErasedDocument(type: documentType, id: body.id, district: body.district))
            return
        }
        switch type {
        case "visit":
            try only(.visit)
            self = .visit(try c.decode(Visit.self, forKey: .visit))
        case "subject":
            try only(.subject)
            self = .subject(try c.decode(Subject.self, forKey: .subject))
        case "activity":
            try only(.activity)
            self = .activity(try c.decode(Activity.self, forKey: .activity))
        default:
            throw DecodingError.dataCorrupted(.init(
                codingPath: c.codingPath + [CodingKeys.type],
                debugDescription: "unknown document type '\(shortened(type))'; accepted: \(DocumentType.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(type.rawValue, forKey: .type)
        switch self {
        case let .visit(v): try c.encode(v, forKey: .visit)
        case let .subject(s): try c.encode(s, forKey: .subject)
        case let .activity(a): try c.encode(a, forKey: .activity)
        case let .erased(e): try c.encode(ErasedBody(id: e.id, district: e.district), forKey: .erased)
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
                debugDescription: "'\(shortened(text))' is not a timestamp; expected ISO 8601, e.g. 2025-04-01T01:02:03.456Z"))
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
    /// A tombstone. Its payload is `.erased`: deleting erases the content (the retention rule, docs/sync.md).
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
        if deleted != payload.isErased {
            p.append(deleted
                ? .init(field: "payload", value: payload.type.rawValue,
                        accepted: "in a tombstone (deleted: true) only the erased form {\"type\", \"erased\": {\"id\", \"district\"}}: deleting erases the content")
                : .init(field: "payload", value: "erased", accepted: "the erased form only in a tombstone (deleted: true)"))
        }
        var author = Checker(codes: .allowUnknown)
        author.text(self.author, "author", Limits.idText)
        return p + author.problems
    }
}
