import Foundation

/// Paths, headers and limits of the HTTP API, defined once for client and server.
public enum API {
    public static let version = "v1"
    public static let healthPath = "/v1/health"
    public static let pushPath = "/v1/push"
    public static let changesPath = "/v1/changes"
    public static let totalsPath = "/v1/totals"
    public static let tokensPath = "/v1/tokens"
    /// The methods each path takes: any other method is 405 with these in `Allow`.
    public static let methods: [String: [String]] = [
        healthPath: ["GET"], pushPath: ["POST"], changesPath: ["GET"], totalsPath: ["GET"], tokensPath: ["GET"],
    ]
    /// Every push and pull names the replica making it; a visitor or office token is bound to the first one.
    public static let replicaHeader = "Mimamori-Replica"
    /// The query parameter of a pull naming the document types the puller reads (`types=visit,subject,activity`).
    /// A laptop from before activities sends none and reads only `DocumentType.readByEveryLaptop`: it is not sent
    /// the types it would refuse (a page it cannot read would stop its pulls).
    public static let typesParameter = "types"
    /// At most this many versions in one push batch.
    public static let maxBatchSize = 1000
    /// Request bodies larger than this are refused with 413.
    public static let maxBodyBytes = 16 * 1024 * 1024
    /// A batch id: what a client makes once per batch and resends unchanged with every retry.
    public static func isValidBatchID(_ id: String) -> Bool {
        let bytes = id.utf8
        return !bytes.isEmpty && bytes.count <= 128 && bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: ":")
        }
    }

    public static let batchIDDescription = "1–128 characters of A–Z, a–z, 0–9, '-', '_', '.' or ':'"
    /// What a laptop asks for, and a server sends when not asked: a pull of 100,000 visits in pages of 2,000 ran
    /// ~20% faster than in pages of 500 (each page is a request, a token check, a query and a reply, and the laptop
    /// asks for the next while sealing the last), and no faster in pages of 4,000 (`mimamori-bench --page-size`).
    public static let defaultPageSize = 2000
    public static let maxPageSize = 5000
}

/// `GET /v1/health`.
public struct HealthResponse: Codable, Sendable, Hashable {
    public let status: String
    /// The server database's id: a different epoch means the server was restored, and clients re-sync.
    public let epoch: String
    public init(status: String = "ok", epoch: String) { self.status = status; self.epoch = epoch }
}

/// `POST /v1/push`: a batch from a replica's outbox. Applied in one transaction; replaying the same `batchId`
/// returns the first reply and changes nothing.
public struct PushRequest: Codable, Sendable, Hashable {
    public let batchId: String
    public let replicaId: String
    public let versions: [Version]
    /// The canonical JSON of `versions` when the fast reader made it from the body received (the versions sent in
    /// the canonical form copied, the others encoded), so `PushProcessor` encodes nothing again. Not part of the
    /// value: left out of `==`, hashing and the JSON.
    public internal(set) var canonicalJSON: CanonicalPushBytes? = nil

    public init(batchId: String, replicaId: String, versions: [Version]) {
        self.batchId = batchId
        self.replicaId = replicaId
        self.versions = versions
    }

    public static func == (a: PushRequest, b: PushRequest) -> Bool {
        a.batchId == b.batchId && a.replicaId == b.replicaId && a.versions == b.versions
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(batchId)
        hasher.combine(replicaId)
        hasher.combine(versions)
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case batchId, replicaId, versions }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        batchId = try c.decode(String.self, forKey: .batchId)
        replicaId = try c.decode(String.self, forKey: .replicaId)
        versions = try c.decode([Version].self, forKey: .versions)
    }
}

/// What became of a version: the one outcome type of the merge rule (`VersionSet.apply`) and of push replies.
public enum PushOutcome: String, Codable, Sendable, Hashable {
    /// New, and now the only current version.
    case new
    /// Held already, or superseded by what is held.
    case known
    /// New, and kept beside a concurrent version.
    case conflict
    /// Refused with a reason; the client keeps the record aside and the rest of the outbox moves on.
    case rejected
}

/// Why the server refused one version of a push (`PushResult.code`).
public enum RejectionCode: String, Codable, Sendable, Hashable, CaseIterable {
    /// Structurally broken or invalid content; sending it again cannot help.
    case invalidRecord = "invalid_record"
    /// The document or version is in a district the token does not cover.
    case outOfScope = "out_of_scope"
    /// The dot belongs to another replica: a replica pushes only its own writes.
    case notOwnDot = "not_own_dot"
    /// The vector claims writes of another replica the server has not received yet — typically after the
    /// server was restored from a backup and that replica has not re-sent its work. Worth sending again later.
    case unknownCounter = "unknown_counter"
    /// Equal vectors, different content: a counter was reused.
    case counterReused = "counter_reused"

    /// Whether the same version may be accepted later, once other replicas have synced.
    public var isRetryable: Bool { self == .unknownCounter }
}

public struct PushResult: Codable, Sendable, Hashable {
    public let documentId: String
    public let dot: Dot
    public let outcome: PushOutcome
    /// For `rejected`: a machine-readable code (`invalid_record`, `out_of_scope`, `not_own_dot`,
    /// `unknown_counter`, `counter_reused`) and a message a person can act on.
    public let code: String?
    public let message: String?

    public init(documentId: String, dot: Dot, outcome: PushOutcome, code: String? = nil, message: String? = nil) {
        self.documentId = documentId
        self.dot = dot
        self.outcome = outcome
        self.code = code
        self.message = message
    }
}

public struct PushResponse: Codable, Sendable, Hashable {
    public let batchId: String
    public let epoch: String
    public let results: [PushResult]
    public init(batchId: String, epoch: String, results: [PushResult]) {
        self.batchId = batchId
        self.epoch = epoch
        self.results = results
    }
}

/// One changed document in a pull page: its full current version set — or, when a district office moved it
/// out of the replica's districts, where it went (`movedTo`) and no versions: the replica drops its copy.
public struct DocumentChange: Codable, Sendable, Hashable {
    /// The server's sequence number of the latest change to this document.
    public let sequence: Int64
    public let documentId: String
    public let type: DocumentType
    public let versions: [Version]
    /// The 校区 the document was moved to, which this replica's token does not cover (docs/sync.md, moves).
    public let movedTo: String?
    public init(sequence: Int64, documentId: String, type: DocumentType, versions: [Version], movedTo: String? = nil) {
        self.sequence = sequence
        self.documentId = documentId
        self.type = type
        self.versions = versions
        self.movedTo = movedTo
    }
}

/// `GET /v1/changes?since=N&limit=M`: the documents changed after sequence N, oldest first.
public struct ChangesResponse: Codable, Sendable, Hashable {
    public let epoch: String
    public let changes: [DocumentChange]
    /// The cursor to ask from next (the last change's sequence, or `since` when the page is empty).
    public let nextSince: Int64
    public let hasMore: Bool
    public init(epoch: String, changes: [DocumentChange], nextSince: Int64, hasMore: Bool) {
        self.epoch = epoch
        self.changes = changes
        self.nextSince = nextSince
        self.hasMore = hasMore
    }
}

/// The body of every error reply: `{"error": {"code": "...", "message": "..."}}`.
public struct APIErrorBody: Codable, Sendable, Hashable {
    public struct Detail: Codable, Sendable, Hashable {
        /// Machine-readable: `bad_request`, `invalid_json`, `unauthorized`, `forbidden`, `not_found`,
        /// `payload_too_large`, `batch_too_large`, `batch_conflict`, `unsupported_media_type`,
        /// `method_not_allowed`, `internal`.
        public let code: String
        public let message: String
        public init(code: String, message: String) { self.code = code; self.message = message }
    }
    public let error: Detail
    public init(code: String, message: String) { self.error = Detail(code: code, message: message) }
}
