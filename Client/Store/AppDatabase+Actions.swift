import Foundation
import GRDB
import MimamoriShared

/// What `init` did: made a new replica, or found one and left it untouched.
public struct InitResult: Sendable, Hashable {
    public let replica: Replica
    public let created: Bool
}

/// The user actions. Each is one write transaction; input is validated before anything is written, so a
/// refused action leaves the database exactly as it was.
extension AppDatabase {
    /// `mimamori init`: makes the replica row with a new random replica id. Running it again keeps the existing
    /// replica and all data (a new replica id would orphan the counter and the outbox).
    @discardableResult
    public func initReplica(visitorId: String, name: String, role: VisitorRole, organization: String? = nil,
                            district: String? = nil, assistsMinseiId: String? = nil,
                            now: Timestamp = .now()) throws -> InitResult {
        var problems: [ValidationProblem] = []
        if visitorId.trimmingCharacters(in: .whitespaces).isEmpty || visitorId.count > 64 {
            problems.append(.init(field: "visitor-id", value: visitorId, accepted: "non-empty text of at most 64 characters"))
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name.count > maxNameLength {
            problems.append(.init(field: "name", value: name, accepted: "non-empty text of at most \(maxNameLength) characters"))
        }
        if !role.isKnown {
            problems.append(.init(field: "role", value: role.rawValue, accepted: "one of \(VisitorRole.acceptedDescription)"))
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return try write { db in
            if let existing = try Replica.fetchOne(db) { return InitResult(replica: existing, created: false) }
            let replica = Replica(
                replicaId: UUID().uuidString.lowercased(), visitorId: visitorId, name: name, role: role.rawValue,
                organization: organization, district: district, assistsMinseiId: assistsMinseiId, counter: 0,
                serverUrl: nil, token: nil, serverEpoch: nil, pullCursor: 0, lastSyncAt: nil, lastSyncSummary: nil,
                createdAt: now.description)
            try replica.insert(db)
            return InitResult(replica: replica, created: true)
        }
    }

    /// `mimamori login`: remembers the server and token. The epoch check of the next sync notices a different
    /// server and re-sends everything, so switching servers loses nothing.
    public func login(server: String, token: String) throws {
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host != nil else { throw ClientError.invalidServerURL(server) }
        guard !token.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationFailure([.init(field: "token", value: token, accepted: "the token printed by `mimamori-server token issue`")])
        }
        try write { db in
            _ = try AppDatabase.requireReplica(db)
            try db.execute(sql: "UPDATE replica SET server_url = ?, token = ? WHERE id = 1",
                           arguments: [server, Sealing.sealText(token, .token, in: db)])
        }
    }

    // MARK: Subjects

    @discardableResult
    public func addSubject(id: String, fields: SubjectFields, today: LocalDate = .today(),
                           now: Timestamp = .now()) throws -> Subject {
        let subject = fields.applied(to: Subject(id: id, name: "", district: ""))
        try subject.validate(today: today, codes: .knownOnly)
        return try write { db in
            if try !AppDatabase.loadSet(db, documentId: id).isEmpty {
                throw ValidationFailure([.init(field: "id", value: id, accepted: "an id not already used by a subject or visit")])
            }
            _ = try AppDatabase.writeLocal(db, .subject(subject), now: now)
            return subject
        }
    }

    @discardableResult
    public func editSubject(id: String, fields: SubjectFields, today: LocalDate = .today(),
                            now: Timestamp = .now()) throws -> Subject {
        try write { db in
            let current = try AppDatabase.liveSubject(db, id: id)
            let subject = fields.applied(to: current)
            try subject.validate(today: today, codes: .knownOnly)
            _ = try AppDatabase.writeLocal(db, .subject(subject), now: now)
            return subject
        }
    }

    /// A subject who no longer needs visits: kept (visits refer to it), but left out of `due`.
    @discardableResult
    public func deactivateSubject(id: String, now: Timestamp = .now()) throws -> Subject {
        try editSubject(id: id, fields: SubjectFields(active: false), now: now)
    }

    static func liveSubject(_ db: Database, id: String) throws -> Subject {
        try liveDisplay(db, id: id, unknown: .unknownSubject(id), \.subject)
    }

    /// The displayed content of a document a person wants to change: it must exist, be of the right type and
    /// not be deleted.
    static func liveDisplay<T>(_ db: Database, id: String, unknown: ClientError, _ content: KeyPath<DocumentPayload, T?>) throws -> T {
        guard let display = try loadSet(db, documentId: id).display else { throw unknown }
        // A tombstone's content is erased, so it is known as deleted before its type is looked at.
        guard display.isLive else { throw ClientError.documentDeleted(id) }
        guard let value = display.payload[keyPath: content] else { throw unknown }
        return value
    }

    /// A delete: a tombstone version of the live document (never an erase of the row), so the delete syncs and a
    /// concurrent edit shows up as a conflict; its content is erased (docs/sync.md, retention).
    func deleteDocument<T>(id: String, now: Timestamp, unknown: ClientError, _ content: KeyPath<DocumentPayload, T?>,
                           _ payload: (T) -> DocumentPayload) throws {
        try write { db in
            let live = try AppDatabase.liveDisplay(db, id: id, unknown: unknown, content)
            _ = try AppDatabase.writeLocal(db, payload(live), deleted: true, now: now)
        }
    }

    // MARK: Visits

    /// `mimamori visit log`: a new visit with a new UUIDv7 id. Defaults: the visitor's own role, organisation
    /// and assisted 民生委員 from `init`, the subject's district, and `Visit`'s defaults for method and outcome.
    @discardableResult
    public func logVisit(_ fields: VisitFields, today: LocalDate = .today(), now: Timestamp = .now(),
                         id: String = DocumentID.make()) throws -> Visit {
        var missing: [ValidationProblem] = []
        if fields.subjectId == nil {
            missing.append(.init(field: "subject", value: "", accepted: "the id of an existing subject (see `mimamori subject list`)"))
        }
        if fields.kind == nil {
            missing.append(.init(field: "kind", value: "", accepted: "one of \(VisitKind.acceptedDescription)"))
        }
        if !missing.isEmpty { throw ValidationFailure(missing) }
        return try write { db in
            let replica = try AppDatabase.requireReplica(db)
            let subject = try AppDatabase.liveSubject(db, id: fields.subjectId!)
            let base = Visit(id: id, kind: fields.kind!, date: fields.date ?? today, visitorId: replica.visitorId,
                             visitorRole: replica.visitorRole, organization: replica.organization,
                             assistsMinseiId: replica.assistsMinseiId, subjectId: subject.id, district: subject.district)
            let visit = fields.applied(to: base)
            try visit.validate(today: today, codes: .knownOnly)
            _ = try AppDatabase.writeLocal(db, .visit(visit), now: now)
            return visit
        }
    }

    /// `mimamori visit edit`: changes the given fields of the visit as shown. On a visit in conflict this is a
    /// resolution: the new version descends from every sibling held.
    @discardableResult
    public func editVisit(id: String, _ fields: VisitFields, today: LocalDate = .today(),
                          now: Timestamp = .now()) throws -> Visit {
        try write { db in
            try AppDatabase.saveEdit(db, fields.applied(to: try AppDatabase.liveVisit(db, id: id)), subjectGiven: fields.subjectId != nil,
                                     today: today, now: now)
        }
    }

    /// The menu's correction (記録を見る・直す): the visit as the visitor left it, every field of it, so an answer
    /// taken away (a note, a referral, a next visit: なし) is taken away, which `VisitFields`' "nil leaves it" cannot say.
    @discardableResult
    func editVisit(_ visit: Visit, today: LocalDate = .today(), now: Timestamp = .now()) throws -> Visit {
        try write { db in
            _ = try AppDatabase.liveVisit(db, id: visit.id)
            return try AppDatabase.saveEdit(db, visit, subjectGiven: true, today: today, now: now)
        }
    }

    /// Writes an edited visit: its district follows a subject given, it is validated, then stored as a local write.
    private static func saveEdit(_ db: Database, _ edited: Visit, subjectGiven: Bool, today: LocalDate, now: Timestamp) throws -> Visit {
        var visit = edited
        if subjectGiven { visit.district = try liveSubject(db, id: visit.subjectId).district }
        try visit.validate(today: today, codes: .knownOnly)
        _ = try writeLocal(db, .visit(visit), now: now)
        return visit
    }

    /// `mimamori visit delete`: a tombstone version (never an erase), so the delete syncs and a concurrent edit
    /// shows up as a conflict.
    public func deleteVisit(id: String, now: Timestamp = .now()) throws {
        try deleteDocument(id: id, now: now, unknown: .unknownVisit(id), \.visit, DocumentPayload.visit)
    }

    static func liveVisit(_ db: Database, id: String) throws -> Visit {
        try liveDisplay(db, id: id, unknown: .unknownVisit(id), \.visit)
    }

    // MARK: Conflicts

    /// `mimamori conflicts resolve ID --keep N`: writes sibling N (1-based, in `conflicts show` order) again as
    /// an ordinary local write, which descends from all siblings and so replaces them everywhere after sync.
    /// Keeping a tombstone confirms the delete.
    @discardableResult
    public func resolveConflict(id: String, keep: Int, now: Timestamp = .now()) throws -> Version {
        try write { db in
            let set = try AppDatabase.loadSet(db, documentId: id)
            guard !set.isEmpty else { throw ClientError.unknownDocument(id) }
            guard set.isConflict else { throw ClientError.notInConflict(id) }
            guard (1...set.versions.count).contains(keep) else {
                throw ClientError.noSuchSibling(documentId: id, keep: keep, count: set.versions.count)
            }
            let chosen = set.versions[keep - 1]
            return try AppDatabase.writeLocal(db, chosen.payload, deleted: chosen.deleted, now: now)
        }
    }
}
