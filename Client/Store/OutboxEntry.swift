import GRDB
import MimamoriShared

/// One of this replica's own writes the server has not yet accepted.
/// `batchId` is set when a batch is formed and kept until its reply arrives, so a retry after a lost reply
/// resends the same batch id with the same versions.
struct OutboxEntry: Codable, Hashable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "outbox"
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }

    enum State: String, Codable, DatabaseValueConvertible {
        /// Queued, or in a batch in flight.
        case pending
        /// Refused for now (`RejectionCode.isRetryable`); queued again at the next sync.
        case deferred
        /// Refused for good; set aside with the server's reason, shown by `status`.
        case rejected

        /// Not yet accepted by the server: what `pendingCount`, `status` and `pendingChanges` count.
        static let unsent: [State] = [.pending, .deferred]
    }

    var seq: Int64?
    var documentId: String
    var dotReplica: String
    var dotCounter: Int64
    var state: State
    var batchId: String?
    var rejectCode: String?
    var rejectMessage: String?

    enum Columns {
        static let seq = Column("seq")
        static let documentId = Column("document_id")
        static let dotReplica = Column("dot_replica")
        static let dotCounter = Column("dot_counter")
        static let state = Column("state")
        static let batchId = Column("batch_id")
        static let rejectCode = Column("reject_code")
        static let rejectMessage = Column("reject_message")
    }

    init(documentId: String, dot: Dot, state: State = .pending) {
        self.documentId = documentId
        self.dotReplica = dot.replica
        self.dotCounter = Int64(dot.counter)
        self.state = state
    }

    var dot: Dot { Dot(replica: dotReplica, counter: UInt64(dotCounter)) }

    mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }
}

extension DerivableRequest<OutboxEntry> {
    func unsent() -> Self { filter(OutboxEntry.State.unsent.contains(OutboxEntry.Columns.state)) }
    func inState(_ state: OutboxEntry.State) -> Self { filter(OutboxEntry.Columns.state == state) }
    func at(documentId: String, dot: Dot) -> Self {
        filter(OutboxEntry.Columns.documentId == documentId && OutboxEntry.Columns.dotReplica == dot.replica
               && OutboxEntry.Columns.dotCounter == Int64(dot.counter))
    }
}
