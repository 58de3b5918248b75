import Foundation
import MimamoriShared

/// Queries behind the guided record and the menu, built only on AppDatabase's public surface so that they
/// survive changes to the store's tables.
extension AppDatabase {
    /// The visits this visitor recorded, newest first (by id: ids are UUIDv7, so ordered by the time of logging).
    public func ownVisits(limit: Int = 10) throws -> [Visit] {
        guard let replica = try replica() else { return [] }
        let own = try visits().map(\.visit).filter { $0.visitorId == replica.visitorId }
        return Array(own.sorted { $0.id > $1.id }.prefix(limit))
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
