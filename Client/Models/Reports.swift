import MimamoriShared

// The JSON shapes of the read commands (`--json`), documented in docs/cli-json.md. Shared Codable types are
// used where they exist (Visit, Subject, Version, TotalsReport); these small types only add what a listing needs.

/// One row of `visit list`: the visit as displayed, and whether other versions of it are in conflict.
public struct VisitListItem: Codable, Sendable, Hashable {
    public let visit: Visit
    public let inConflict: Bool
}

/// One row of `subject list`.
public struct SubjectListItem: Codable, Sendable, Hashable {
    public let subject: Subject
    public let inConflict: Bool
}

/// `visit show`, `subject show`, `conflicts show`: the display version, every current sibling (numbered 1… in
/// this order for `conflicts resolve --keep`), and every version ever held, oldest write first.
public struct DocumentDetail: Codable, Sendable, Hashable {
    public let documentId: String
    public let type: DocumentType
    public let inConflict: Bool
    public let display: Version
    public let current: [Version]
    public let history: [Version]
}

/// One row of `due`: an active subject whose last visit is older than their cadence.
public struct DueItem: Codable, Sendable, Hashable {
    public let subjectId: String
    /// Nil while the database is locked: names need the passphrase.
    public let subject: Subject?
    /// Nil when never visited.
    public let lastVisit: LocalDate?
    public let dueDate: LocalDate?
    /// Days past the due date; nil when never visited (listed first).
    public let daysOverdue: Int?
}

/// One row of `conflicts list`.
public struct ConflictItem: Codable, Sendable, Hashable {
    public let documentId: String
    public let type: DocumentType
    public let versions: Int
    /// e.g. "2025-06-01 fureai_watch S-0001" or a subject's name.
    public let summary: String
}

/// An outbox entry set aside because the server refused it.
public struct RejectedChange: Codable, Sendable, Hashable {
    public let documentId: String
    public let dot: Dot
    public let code: String
    public let message: String
}

/// `mimamori status`.
public struct StatusReport: Codable, Sendable, Hashable {
    public let replicaId: String
    public let visitorId: String
    public let name: String
    public let role: String
    public let dataFile: String
    public let counter: Int64
    public let pendingChanges: Int
    public let rejected: [RejectedChange]
    public let conflicts: Int
    /// Documents held (everyone's this laptop reads), not deleted.
    public let visits: Int
    public let subjects: Int
    public let activities: Int
    /// This month (`YYYY-MM`, Japan time) and this laptop's visitor's own visits and activities dated in it.
    public let month: String
    public let visitsThisMonth: Int
    public let activitiesThisMonth: Int
    /// Of `pendingChanges`, those to visits and those to activities (the rest are to subjects).
    public let pendingVisits: Int
    public let pendingActivities: Int
    public let server: String?
    public let serverEpoch: String?
    public let pullCursor: Int64
    /// ISO 8601, nil when never synced.
    public let lastSyncAt: String?
    public let lastSync: SyncSummary?

    /// Whether the text shows activities: for the roles that keep the activity record, or when any are held.
    var showsActivities: Bool { VisitorRole.minseiRecordRoles.contains(VisitorRole(rawValue: role)) || activities > 0 }
}

/// Filters of `visit list`. Dates are inclusive.
public struct VisitFilter: Sendable, Hashable {
    public var from: LocalDate?
    public var to: LocalDate?
    public var subjectId: String?
    public var kind: VisitKind?
    public var includeDeleted: Bool

    public init(from: LocalDate? = nil, to: LocalDate? = nil, subjectId: String? = nil, kind: VisitKind? = nil,
                includeDeleted: Bool = false) {
        self.from = from; self.to = to; self.subjectId = subjectId; self.kind = kind; self.includeDeleted = includeDeleted
    }

    public static func month(year: Int, month: Int) -> VisitFilter {
        let first = LocalDate(year: year, month: month, day: 1)!
        return VisitFilter(from: first, to: LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))!)
    }

    public static func fiscalYear(_ fy: FiscalYear) -> VisitFilter { VisitFilter(from: fy.firstDay, to: fy.lastDay) }
}
