import MimamoriShared

/// What one `sync` did, printed at the end and kept for `status`.
public struct SyncSummary: Codable, Sendable, Hashable {
    public var pushed: Int = 0
    public var pulled: Int = 0
    /// Documents that became conflicts on this laptop (counted when the pull brings the concurrent version).
    public var newConflicts: Int = 0
    public var rejected: Int = 0
    /// Refused for now because the server lacks writes they build on; sent again at the next sync.
    public var deferred: Int = 0
    /// True when the server's epoch differed from the one last seen (restored server, or a different server).
    public var epochChanged: Bool = false
    public init() {}
}

/// Progress of a long sync, for stderr.
public enum SyncProgress: Sendable, Hashable {
    case pushed(done: Int, total: Int)
    case pulled(documents: Int, cursor: Int64)
    case epochChanged(epoch: String)
}
