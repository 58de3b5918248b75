import Foundation
import MimamoriShared

/// This installation: a random replica id made at `init`, the visitor using it, its one write counter, and
/// where it syncs. Exactly one row.
public struct Replica: Codable, Sendable, Hashable {
    public var replicaId: String
    public var visitorId: String
    public var name: String
    public var role: String
    public var organization: String?
    public var district: String?
    public var assistsMinseiId: String?
    /// The highest write counter this replica has used; the next write uses `counter + 1`.
    public var counter: Int64
    public var serverUrl: String?
    /// Bearer token for the server. Stored in the owner-only database file.
    public var token: String?
    public var serverEpoch: String?
    public var pullCursor: Int64
    public var lastSyncAt: String?
    /// JSON of the last `SyncSummary`.
    public var lastSyncSummary: String?
    public var createdAt: String

    public var visitorRole: VisitorRole { VisitorRole(rawValue: role) }
}
