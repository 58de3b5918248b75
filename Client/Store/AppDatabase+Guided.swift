import Foundation
import GRDB
import MimamoriShared

/// Queries behind the guided record and the menu. They read the visit projection newest id first (ids are
/// UUIDv7, so in the order visits were logged), which stays fast however many visits a sync has brought in:
/// decoding every visit held would take seconds at 100,000.
extension AppDatabase {
    /// The visits this visitor recorded, newest first.
    public func ownVisits(limit: Int = 10) throws -> [Visit] {
        guard let replica = try replica() else { return [] }
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.json FROM visit_index i JOIN version v ON v.id = i.version_id
                WHERE i.deleted = 0 AND i.visitor_id = ? ORDER BY i.id DESC LIMIT ?
                """, arguments: [replica.visitorId, limit])
            return try rows.compactMap { try AppDatabase.display($0, db).visit }
        }
    }

    /// The last visit this visitor recorded, for `visit edit --last` and the menu's 記録を見る・直す.
    public func lastOwnVisit() throws -> Visit? { try ownVisits(limit: 1).first }

    /// The kind the guided record offers first: the last one this visitor used, else the one their role makes.
    public func defaultKind() throws -> VisitKind? {
        if let last = try lastOwnVisit() { return last.kind }
        return try replica().flatMap { VisitKind.defaultFor(role: $0.visitorRole) }
    }
}

extension VisitKind {
    /// The kind of visit a role makes (DOMAIN.md §1); nil for roles that make several (staff, coordinators).
    public static func defaultFor(role: VisitorRole) -> VisitKind? {
        switch role.rawValue {
        case "fureai_member", "fureai_han_leader", "fureai_president": return .fureaiWatch
        case "minsei_iin", "shunin_jido_iin": return .minseiWatch
        case "minsei_kyoryokuin": return .kyoryokuinWatch
        case "outreach_worker": return .outreach
        case "chiiki_seikatsu_shienin", "senmonin": return .nichijiCheckin
        default: return nil
        }
    }
}
