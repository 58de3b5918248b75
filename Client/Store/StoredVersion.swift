import Foundation
import GRDB
import MimamoriShared

/// One version as the laptop keeps it: its canonical JSON — the bytes `VersionJSON.encode` writes, which the
/// server sends in pull pages and receives in pushes — written once, plus the keys queries need.
///
/// Every version ever held is one row (the history `visit show` prints); `current` marks the document's current
/// sibling set (what the merge rule kept), and the projections point at the display version's row. A pushed
/// version is its `json` spliced into the request body; a pulled one is stored as it arrived.
struct StoredVersion: Codable, Hashable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "version"
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    var id: Int64
    var documentId: String
    var dotReplica: String
    var dotCounter: Int64
    /// In the document's current sibling set.
    var current: Bool
    var json: Data
    /// When this laptop first held the version (milliseconds since 1970).
    var receivedAt: Int64

    enum Columns {
        static let id = Column("id")
        static let documentId = Column("document_id")
        static let dotReplica = Column("dot_replica")
        static let dotCounter = Column("dot_counter")
        static let current = Column("current")
        static let json = Column("json")
        static let receivedAt = Column("received_at")
    }

    /// The columns in table order, for multi-row statements.
    static let allColumns = [Columns.id, Columns.documentId, Columns.dotReplica, Columns.dotCounter, Columns.current,
                             Columns.json, Columns.receivedAt]

    var dot: Dot { Dot(replica: dotReplica, counter: UInt64(dotCounter)) }

    /// The version, its JSON opened with the key of `db` (see `Sealing`).
    func version(_ db: Database) throws -> Version { try Sealing.version(json, in: db) }

    var arguments: StatementArguments { [id, documentId, dotReplica, dotCounter, current, json, receivedAt] }
}

extension DerivableRequest<StoredVersion> {
    func current() -> Self { filter(StoredVersion.Columns.current) }
    func of(document id: String) -> Self { filter(StoredVersion.Columns.documentId == id) }
    func at(_ dot: Dot) -> Self {
        filter(StoredVersion.Columns.dotReplica == dot.replica && StoredVersion.Columns.dotCounter == Int64(dot.counter))
    }
}
