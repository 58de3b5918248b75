import Foundation
import MimamoriShared

/// Who is making a request, once their token has been checked.
public struct Caller: Sendable, Hashable {
    public let token: TokenInfo
    public var role: TokenRole { token.role }
    /// The token's 校区, as a set made once: push checks it for every version of a batch.
    public let districts: Set<String>
    public init(token: TokenInfo) {
        self.token = token
        self.districts = Set(token.districts)
    }
}

/// A push reply and the exact bytes sent, so a replayed batch gets byte-identical bytes back.
public struct PushReply: Sendable, Hashable {
    public let response: PushResponse
    /// The bytes kept of a reply stored whole before (nil: the reply is `response`'s JSON).
    private let storedBody: Data?
    /// True when the batch had been applied before and this is the stored reply.
    public let replayed: Bool

    /// A reply with its exact bytes, as stored.
    init(response: PushResponse, body: Data, replayed: Bool) {
        self.response = response
        self.storedBody = body
        self.replayed = replayed
    }

    /// A reply whose bytes are its JSON, written when they are asked for: by the request's handler, not inside the
    /// single writer's transaction (1000 results are ~120 KB).
    init(response: PushResponse, replayed: Bool) {
        self.response = response
        self.storedBody = nil
        self.replayed = replayed
    }

    /// The reply's bytes.
    public var body: Data { storedBody ?? MimamoriJSON.encodePushResponse(response) }
}

/// Errors of the storage layer that a person can act on.
public enum StoreError: Error, LocalizedError, Sendable, Hashable {
    case unknownToken(id: String)
    case tokenAlreadyRevoked(id: String)
    case invalidToken(String)

    public var errorDescription: String? {
        switch self {
        case let .unknownToken(id): return "no token has the id '\(id)'; `mimamori-server token list` shows the ids"
        case let .tokenAlreadyRevoked(id): return "token '\(id)' was already revoked"
        case let .invalidToken(why): return why
        }
    }
}

/// Everything the server keeps, behind one protocol so that a PostgreSQL backend can follow the SQLite one.
/// Implementations run each method in one transaction; the sync rules themselves live in `PushProcessor`,
/// which every backend shares through `PushTransaction`.
public protocol SyncStore: Sendable {
    /// The database's id, made when it was created: a different epoch tells clients to re-sync.
    func epoch() async throws -> String
    /// The highest change sequence given so far (0 for an empty database).
    func lastSequence() async throws -> Int64

    /// Applies a batch in one transaction, or returns the stored reply when (replica, batchId) was seen before.
    /// `today` is the latest visit date accepted (Japan-time today plus slack for client clocks).
    /// Each accepted version is stored as the canonical JSON the server encodes from it (`VersionJSON`).
    /// Throws `BatchReuseError` when the (replica, batchId) was used before for other content.
    func push(_ request: PushRequest, by caller: Caller, today: LocalDate) async throws -> PushReply
    /// Documents of `types` changed after `since` in `districts`, oldest change first, at most `limit`: the
    /// encoded `ChangesResponse`, spliced from the stored version JSON without decoding it. Changes of other types
    /// are passed over (a laptop that does not read them is never sent them).
    func changesJSON(since: Int64, limit: Int, districts: Set<String>, types: Set<DocumentType>) async throws -> Data
    /// The indicator counters of the given 年度 (zero counters left out).
    func counters(fiscalYears: [Int]) async throws -> [CounterKey: Int]
    /// Counts from scratch over every document's display version: what `counters` must always equal.
    func recount() async throws -> [CounterKey: Int]

    func issueToken(role: TokenRole, name: String, districts: [String]) async throws -> IssuedToken
    func tokens() async throws -> [TokenInfo]
    @discardableResult func revokeToken(id: String) async throws -> TokenInfo
    /// The token whose secret is `secret`, revoked or not; nil when none matches.
    func token(secret: String) async throws -> TokenInfo?
    /// Binds a token to a replica if it is not bound yet; returns the replica it is bound to afterwards.
    func bindToken(id: String, toReplica replica: String) async throws -> String
}

/// Stored version rows read in document order (`ORDER BY document_id`), gathered into each document's version
/// set as they come: what a recount and the dashboard's backfill read, in either store.
struct VersionRowGrouper {
    private var currentId: String?
    private var current: [Version] = []

    /// Adds a row; returns the previous document's set when this row begins another document.
    mutating func add(documentId: String, version: String) throws -> (id: String, versions: VersionSet)? {
        var finished: (id: String, versions: VersionSet)?
        if documentId != currentId {
            finished = try finish()
            currentId = documentId
        }
        current.append(try SQLitePushTransaction.decodeVersion(version))
        return finished
    }

    /// The set of the document whose rows came last; call it once the rows end.
    mutating func finish() throws -> (id: String, versions: VersionSet)? {
        defer { current = [] }
        guard let id = currentId, !current.isEmpty else { return nil }
        return (id, try VersionSet(current))
    }
}

extension SyncStore {
    /// `changesJSON`, decoded.
    public func changes(since: Int64, limit: Int, districts: Set<String>,
                        types: Set<DocumentType> = Set(DocumentType.allCases)) async throws -> ChangesResponse {
        try MimamoriJSON.decodeChanges(try await changesJSON(since: since, limit: limit, districts: districts, types: types))
    }
}
