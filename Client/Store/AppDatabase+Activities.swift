import Foundation
import GRDB
import MimamoriShared

/// 活動記録 (その他の活動・連絡調整): log, edit, delete and list activities. Like visits, each action is one write
/// transaction through `writeLocal` (outbox, counter, projection, the 民生委員 activity counters), validated
/// before anything is written; the note is sealed with the rest of the version.
extension AppDatabase {
    /// `mimamori activity log`: a new activity with a new UUIDv7 id, by this laptop's visitor. Defaults: today,
    /// the district given at `init`, a count of 1.
    @discardableResult
    public func logActivity(_ fields: ActivityFields, today: LocalDate = .today(), now: Timestamp = .now(),
                            id: String = DocumentID.make()) throws -> Activity {
        try write { db in
            let replica = try AppDatabase.requireReplica(db)
            var missing: [ValidationProblem] = []
            if fields.category == nil {
                missing.append(.init(field: ActivityCategory.field, value: "", accepted: "one of \(ActivityCategory.acceptedDescription)"))
            }
            let district = fields.district ?? replica.district
            if district == nil {
                missing.append(.init(field: "district", value: "", accepted: "the 校区 of the activity (--district; none was given at init)"))
            }
            // What is missing and every problem of what was given, in one message.
            let activity = fields.applied(to: Activity(id: id, category: fields.category ?? .liaison, date: fields.date ?? today,
                                                       district: district ?? "", visitorId: replica.visitorId,
                                                       visitorRole: replica.visitorRole))
            let missingFields = Set(missing.map(\.field))
            let problems = missing + activity.problems(today: today, codes: .knownOnly).filter { !missingFields.contains($0.field) }
            if !problems.isEmpty { throw ValidationFailure(problems, document: .activity) }
            _ = try AppDatabase.writeLocal(db, .activity(activity), now: now)
            return activity
        }
    }

    /// `mimamori activity edit`: changes the given fields of the activity as shown. On an activity in conflict
    /// this is a resolution: the new version descends from every sibling held.
    @discardableResult
    public func editActivity(id: String, _ fields: ActivityFields, today: LocalDate = .today(),
                             now: Timestamp = .now()) throws -> Activity {
        try write { db in try AppDatabase.saveEdit(db, fields.applied(to: try AppDatabase.liveActivity(db, id: id)), today: today, now: now) }
    }

    /// The menu's correction: the activity as the visitor left it, every field (a note taken away is taken away).
    @discardableResult
    func editActivity(_ activity: Activity, today: LocalDate = .today(), now: Timestamp = .now()) throws -> Activity {
        try write { db in
            _ = try AppDatabase.liveActivity(db, id: activity.id)
            return try AppDatabase.saveEdit(db, activity, today: today, now: now)
        }
    }

    private static func saveEdit(_ db: Database, _ activity: Activity, today: LocalDate, now: Timestamp) throws -> Activity {
        try activity.validate(today: today, codes: .knownOnly)
        _ = try writeLocal(db, .activity(activity), now: now)
        return activity
    }

    /// The latest activities this visitor recorded, newest first (ids are time-ordered), for 記録を見る・直す.
    func ownActivities(limit: Int) throws -> [Activity] {
        guard let replica = try replica() else { return [] }
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT v.json FROM activity_index i JOIN version v ON v.id = i.version_id
                WHERE i.deleted = 0 AND i.visitor_id = ? ORDER BY i.id DESC LIMIT ?
                """, arguments: [replica.visitorId, limit]).compactMap { try AppDatabase.display($0, db).activity }
        }
    }

    /// `mimamori activity delete`: a tombstone, which erases the content (its note too) and syncs.
    public func deleteActivity(id: String, now: Timestamp = .now()) throws {
        try deleteDocument(id: id, now: now, unknown: .unknownActivity(id), \.activity, DocumentPayload.activity)
    }

    static func liveActivity(_ db: Database, id: String) throws -> Activity {
        try liveDisplay(db, id: id, unknown: .unknownActivity(id), \.activity)
    }

    /// Activities as displayed, oldest date first (then by id, which is time-ordered).
    public func activities(_ filter: ActivityFilter = ActivityFilter()) throws -> [ActivityListItem] {
        try read { db in
            try AppDatabase.listed(db, "activity_index", from: filter.from, to: filter.to, includeDeleted: filter.includeDeleted,
                                   equal: filter.category.map { [("category", $0.rawValue)] } ?? [])
                .compactMap { payload, inConflict in payload.activity.map { ActivityListItem(activity: $0, inConflict: inConflict) } }
        }
    }

    public func activityDetail(id: String) throws -> DocumentDetail {
        guard let d = try document(id: id), d.type == .activity else { throw ClientError.unknownActivity(id) }
        return d
    }
}
