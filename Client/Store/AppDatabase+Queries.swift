import Foundation
import GRDB
import MimamoriShared

/// Read-only queries behind the read commands. They read projections and counters, never scan versions.
extension AppDatabase {
    public func replica() throws -> Replica? { try read { try Replica.fetchOne($0) } }

    public func requireReplica() throws -> Replica { try read { try AppDatabase.requireReplica($0) } }

    /// The payload of the display version a projection row points at (a row with its `json`).
    static func display(_ row: Row, _ db: Database) throws -> DocumentPayload { try Sealing.version(row["json"], in: db).payload }

    public func subjects(includeInactive: Bool = false) throws -> [SubjectListItem] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.json, s.in_conflict FROM subject_index s JOIN version v ON v.id = s.version_id
                WHERE s.deleted = 0 \(includeInactive ? "" : "AND s.active = 1")
                ORDER BY s.district, s.id
                """)
            return try rows.map { row in
                SubjectListItem(subject: try AppDatabase.display(row, db).subject!, inConflict: row["in_conflict"])
            }
        }
    }

    /// Visits as displayed, oldest date first (then by id, which is time-ordered).
    public func visits(_ filter: VisitFilter = VisitFilter()) throws -> [VisitListItem] {
        let pairs: [(String, String?)] = [("subject_id", filter.subjectId), ("kind", filter.kind?.rawValue)]
        let equal = pairs.compactMap { column, value in value.map { (column, $0 as any DatabaseValueConvertible) } }
        return try read { db in
            try AppDatabase.listed(db, "visit_index", from: filter.from, to: filter.to, includeDeleted: filter.includeDeleted,
                                   equal: equal)
                .compactMap { payload, inConflict in payload.visit.map { VisitListItem(visit: $0, inConflict: inConflict) } }
        }
    }

    /// The display payloads a projection (`visit_index`, `activity_index`) lists in a date range, oldest date first
    /// (then by id, which is time-ordered), with whether each is in conflict; `equal` adds column = value filters.
    static func listed(_ db: Database, _ table: String, from: LocalDate?, to: LocalDate?, includeDeleted: Bool,
                       equal: [(String, any DatabaseValueConvertible)] = []) throws -> [(DocumentPayload, Bool)] {
        var clauses: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if !includeDeleted { clauses.append("i.deleted = 0") }
        if let f = from { clauses.append("i.date >= ?"); args.append(f.description) }
        if let t = to { clauses.append("i.date <= ?"); args.append(t.description) }
        for (column, value) in equal { clauses.append("i.\(column) = ?"); args.append(value) }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let rows = try Row.fetchAll(db, sql: """
            SELECT v.json, i.in_conflict FROM \(table) i JOIN version v ON v.id = i.version_id
            \(whereSQL) ORDER BY i.date, i.id
            """, arguments: StatementArguments(args))
        return try rows.map { row in (try AppDatabase.display(row, db), row["in_conflict"]) }
    }

    /// Everything held about one document; nil when it is not held at all.
    public func document(id: String) throws -> DocumentDetail? {
        try read { db in
            let set = try AppDatabase.loadSet(db, documentId: id)
            guard let display = set.display else { return nil }
            let history = try StoredVersion.all().of(document: id).fetchAll(db)
                .map { try $0.version(db) }
                .sorted { ($0.writtenAt, $0.dot) < ($1.writtenAt, $1.dot) }
            return DocumentDetail(documentId: id, type: display.type, inConflict: set.isConflict, display: display,
                                  current: set.versions, history: history)
        }
    }

    public func visitDetail(id: String) throws -> DocumentDetail {
        guard let d = try document(id: id), d.type == .visit else { throw ClientError.unknownVisit(id) }
        return d
    }

    public func subjectDetail(id: String) throws -> DocumentDetail {
        guard let d = try document(id: id), d.type == .subject else { throw ClientError.unknownSubject(id) }
        return d
    }

    /// `mimamori due`: active subjects with a cadence whose last visit (any outcome: a 不在 visit is an effort too)
    /// is older than the cadence; never-visited subjects first, then the most overdue.
    /// While locked the names stay sealed: each item has its subject id only.
    public func due(today: LocalDate = .today()) throws -> [DueItem] {
        let unlocked = isUnlocked
        let rows = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.id, v.json, s.cadence_days,
                       (SELECT MAX(i.date) FROM visit_index i WHERE i.subject_id = s.id AND i.deleted = 0) AS last_visit
                FROM subject_index s JOIN version v ON v.id = s.version_id
                WHERE s.deleted = 0 AND s.active = 1 AND s.cadence_days IS NOT NULL
                """).map { row in (row, try unlocked ? AppDatabase.display(row, db).subject : nil) }
        }
        var items: [DueItem] = []
        for (row, subject) in rows {
            let subjectId: String = row["id"]
            let cadence: Int = row["cadence_days"]
            guard let lastText: String = row["last_visit"], let last = LocalDate(lastText) else {
                items.append(DueItem(subjectId: subjectId, subject: subject, lastVisit: nil, dueDate: nil, daysOverdue: nil))
                continue
            }
            let dueDate = last.adding(days: cadence)
            if dueDate < today {
                items.append(DueItem(subjectId: subjectId, subject: subject, lastVisit: last, dueDate: dueDate, daysOverdue: dueDate.days(until: today)))
            }
        }
        return items.sorted { a, b in
            switch (a.daysOverdue, b.daysOverdue) {
            case (nil, nil): return a.subjectId < b.subjectId
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x != y ? x > y : a.subjectId < b.subjectId
            }
        }
    }

    /// The local indicator counters, as maintained write by write.
    public func counters() throws -> [CounterKey: Int] {
        try read { db in
            var result: [CounterKey: Int] = [:]
            for counter in try CounterRecord.fetchAll(db) {
                guard let key = counter.counterKey else { continue }
                result[key] = counter.count
            }
            return result
        }
    }

    /// Counts from the stored versions, from scratch: what `counters()` must always equal.
    public func recount() throws -> [CounterKey: Int] {
        IndicatorCounting.recount(displays: try visitDisplays())
    }

    /// The display version of every visit held, from its current versions (needs the key).
    private func visitDisplays() throws -> [Version] {
        try read { db in
            let current = try StoredVersion.all().current()
                .filter(sql: "document_id IN (SELECT id FROM visit_index)").fetchAll(db)
            return try Dictionary(grouping: current, by: \.documentId).values.compactMap { rows in
                try VersionSet(rows.map { try $0.version(db) }).display
            }
        }
    }

    /// `mimamori totals`: the local 見守り訪問活動件数 report for a 年度, from the counters, with its programs'
    /// figures from the counters and the clear columns of `visit_index` (so it works locked). The plan counts
    /// are nil while visits held from before the `plan_event` column wait for the key.
    public func localTotals(fiscalYear: FiscalYear, asOf: LocalDate = .today(),
                            language: Language = .japanese) throws -> TotalsReport {
        try fillPlanEventsIfReadable()
        let counters = try counters().filter { $0.key.fiscalYear == fiscalYear.year || $0.key.fiscalYear == fiscalYear.year - 1 }
        var report = TotalsReport.make(fiscalYear: fiscalYear, asOf: asOf, counters: counters, language: language)
        let checkins = counters.filter {
            $0.key.fiscalYear == fiscalYear.year && $0.key.dimension == .month && $0.key.kind == .nichijiCheckin
        }.values.reduce(0, +)
        report.programs = try read { db in
            let year: StatementArguments = [fiscalYear.firstDay.description, fiscalYear.lastDay.description]
            var events: [String: Int]?
            if try !AppDatabase.planEventsPending(db) {
                // The column holds `ProgramCounting.planEvent` of each display version (NULL when it counts none).
                events = Dictionary(try Row.fetchAll(db, sql: """
                    SELECT plan_event, COUNT(*) AS n FROM visit_index
                    WHERE plan_event IS NOT NULL AND date >= ? AND date <= ? GROUP BY plan_event
                    """, arguments: year).map { ($0["plan_event"], $0["n"]) }, uniquingKeysWith: +)
            }
            // `ProgramCounting.nichijiCheckin` in the projection's clear columns: a live check-in's subject.
            let holders = try Int.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT subject_id) FROM visit_index WHERE deleted = 0 AND kind = ? AND date >= ? AND date <= ?
                """, arguments: [VisitKind.nichijiCheckin.rawValue] + year) ?? 0
            return ProgramTotals(planEvents: events, nichijiCheckins: checkins, nichijiHolders: holders)
        }
        return report
    }

    /// The programs' figures of a 年度 counted from scratch over the stored versions (needs the key): what
    /// `localTotals(…).programs` must always equal.
    public func recountPrograms(fiscalYear: FiscalYear) throws -> ProgramTotals {
        ProgramCounting.recount(fiscalYear: fiscalYear.year, displays: try visitDisplays())
    }

    /// Whether outreach visits held from before the `plan_event` column still wait for the key to be counted.
    public func planEventsPending() throws -> Bool { try read { try AppDatabase.planEventsPending($0) } }

    static func planEventsPending(_ db: Database) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM plan_events_pending") ?? 0 > 0
    }

    /// Fills `visit_index.plan_event` of the outreach visits held from before the column, once, when their
    /// payloads can be read (unlocked, or a database from before encryption).
    func fillPlanEventsIfReadable() throws {
        if case .locked = keyring.state { return }
        guard try planEventsPending() else { return }
        try write { db in
            let update = try db.makeStatement(sql: "UPDATE visit_index SET plan_event = ? WHERE id = ?")
            for row in try Row.fetchAll(db, sql: """
                SELECT i.id, v.json FROM visit_index i JOIN version v ON v.id = i.version_id WHERE i.kind = ? AND i.deleted = 0
                """, arguments: [VisitKind.outreach.rawValue]) {
                let id: String = row["id"]
                try update.execute(arguments: [DocumentBatch.planEventColumn(try Sealing.version(row["json"], in: db)), id])
            }
            try db.execute(sql: "DELETE FROM plan_events_pending")
        }
    }

    public func conflicts() throws -> [ConflictItem] {
        try read { db in
            var items: [ConflictItem] = []
            let visits = try Row.fetchAll(db, sql: """
                SELECT id, date, kind, subject_id, (SELECT COUNT(*) FROM version WHERE document_id = visit_index.id AND current) AS n
                FROM visit_index WHERE in_conflict = 1 ORDER BY date, id
                """)
            for r in visits {
                items.append(ConflictItem(documentId: r["id"], type: .visit, versions: r["n"],
                                          summary: "\(r["date"] as String) \(r["kind"] as String) \(r["subject_id"] as String)"))
            }
            let subjects = try Row.fetchAll(db, sql: """
                SELECT id, name, (SELECT COUNT(*) FROM version WHERE document_id = subject_index.id AND current) AS n
                FROM subject_index WHERE in_conflict = 1 ORDER BY id
                """)
            for r in subjects {
                items.append(ConflictItem(documentId: r["id"], type: .subject, versions: r["n"],
                                          summary: try Sealing.openText(r["name"], .subjectName, in: db)))
            }
            let activities = try Row.fetchAll(db, sql: """
                SELECT id, date, category, (SELECT COUNT(*) FROM version WHERE document_id = activity_index.id AND current) AS n
                FROM activity_index WHERE in_conflict = 1 ORDER BY date, id
                """)
            for r in activities {
                items.append(ConflictItem(documentId: r["id"], type: .activity, versions: r["n"],
                                          summary: "\(r["date"] as String) \(r["category"] as String)"))
            }
            return items
        }
    }

    /// Own writes not yet accepted by the server (queued, in a batch in flight, or deferred to the next sync).
    public func pendingChanges() throws -> [Version] {
        try read { db in
            try OutboxEntry.all().unsent().order(OutboxEntry.Columns.seq).fetchAll(db).compactMap { entry in
                try AppDatabase.loadVersion(db, documentId: entry.documentId, dot: entry.dot)
            }
        }
    }

    /// The server's reasons may quote a name or a note, so they are sealed: while locked, code only.
    public func rejectedChanges() throws -> [RejectedChange] {
        let unlocked = isUnlocked
        return try read { db in
            try OutboxEntry.all().inState(.rejected).order(OutboxEntry.Columns.seq).fetchAll(db).map { entry in
                RejectedChange(documentId: entry.documentId, dot: entry.dot, code: entry.rejectCode ?? "rejected",
                               message: try unlocked ? entry.rejectMessage.map { try Sealing.openText($0, .rejectMessage, in: db) } ?? "" : "")
            }
        }
    }

    /// `mimamori status`. It reads clear columns only, so it works locked. "This month" is `today`'s month.
    public func status(today: LocalDate = .today()) throws -> StatusReport {
        let rejected = try rejectedChanges()
        let unlocked = isUnlocked
        let month = VisitFilter.month(year: today.year, month: today.month)
        return try read { db in
            let r = try AppDatabase.requireReplica(db)
            let pending = try AppDatabase.pendingCount(db)
            let conflicts = try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM visit_index WHERE in_conflict = 1) + (SELECT COUNT(*) FROM subject_index WHERE in_conflict = 1)
                     + (SELECT COUNT(*) FROM activity_index WHERE in_conflict = 1)
                """) ?? 0
            func count(_ table: String, thisMonth: Bool) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE deleted = 0"
                                 + (thisMonth ? " AND visitor_id = ? AND date BETWEEN ? AND ?" : ""),
                                 arguments: thisMonth ? [r.visitorId, month.from?.description, month.to?.description] : []) ?? 0
            }
            let unsent = try AppDatabase.unsentByType(db, unlocked: unlocked)
            let last = try r.lastSyncSummary.map { try MimamoriJSON.decode(SyncSummary.self, from: Data($0.utf8)) }
            return StatusReport(replicaId: r.replicaId, visitorId: r.visitorId, name: r.name, role: r.role,
                                dataFile: writer.path, counter: r.counter, pendingChanges: pending, rejected: rejected,
                                conflicts: conflicts, visits: try count("visit_index", thisMonth: false),
                                subjects: try count("subject_index", thisMonth: false),
                                activities: try count("activity_index", thisMonth: false),
                                month: MonthlyActivityReport.monthKey(year: today.year, month: today.month),
                                visitsThisMonth: try count("visit_index", thisMonth: true),
                                activitiesThisMonth: try count("activity_index", thisMonth: true),
                                pendingVisits: unsent[.visit] ?? 0, pendingActivities: unsent[.activity] ?? 0,
                                server: r.serverUrl, serverEpoch: r.serverEpoch, pullCursor: r.pullCursor,
                                lastSyncAt: r.lastSyncAt, lastSync: last)
        }
    }
}

extension AppDatabase {
    /// Unsent changes by the type of their document. A listed document's type is its projection's; a deleted
    /// one is listed nowhere and its type is sealed with its content, so it is counted only when unlocked.
    static func unsentByType(_ db: Database, unlocked: Bool) throws -> [DocumentType: Int] {
        let listedIn = DocumentType.allCases.map { type in
            "WHEN EXISTS (SELECT 1 FROM \(DocumentBatch.projectionTable(type)) p WHERE p.id = o.document_id) THEN '\(type.rawValue)'"
        }.joined(separator: " ")
        var counts: [DocumentType: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT o.document_id, o.dot_replica, o.dot_counter, CASE \(listedIn) END AS type FROM outbox o
            WHERE o.state IN (\(OutboxEntry.State.unsent.map { _ in "?" }.joined(separator: ", ")))
            """, arguments: StatementArguments(OutboxEntry.State.unsent.map(\.rawValue))) {
            var type = (row["type"] as String?).flatMap(DocumentType.init(rawValue:))
            if type == nil, unlocked {
                let dot = Dot(replica: row["dot_replica"], counter: UInt64(max(0, row["dot_counter"] as Int64)))
                type = try loadVersion(db, documentId: row["document_id"], dot: dot)?.type
            }
            if let type { counts[type, default: 0] += 1 }
        }
        return counts
    }

    /// `mimamori report monthly`: this laptop's visitor's month of the 民生委員 activity record, from the clear
    /// `activity_counters` (it works locked, as `totals` does). Visits held before those counters existed are
    /// counted once, at the first report with the key (`activityCountersPending`).
    public func monthlyActivity(year: Int, month: Int, language: Language = .japanese) throws -> MonthlyActivityReport {
        if try activityCountersPending() { try write { try AppDatabase.recountActivity($0) } }
        return try read { db in
            let replica = try AppDatabase.requireReplica(db)
            let key = MonthlyActivityReport.monthKey(year: year, month: month)
            var metrics: [String: Int] = [:]
            var days = 0
            for row in try Row.fetchAll(db, sql: """
                SELECT metric, count FROM activity_counters WHERE month = ? AND visitor_id = ? AND count > 0
                """, arguments: [key, replica.visitorId]) {
                let metric: String = row["metric"]
                if metric.hasPrefix(ActivityCounterKey.dayPrefix) { days += 1 } else { metrics[metric] = row["count"] }
            }
            return MonthlyActivityReport.make(month: key, visitorId: replica.visitorId, metrics: metrics,
                                              activityDays: days, language: language)
        }
    }

    /// Whether visits held before the activity counters still wait to be counted (which needs the key).
    public func activityCountersPending() throws -> Bool {
        try read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM activity_counters_pending") ?? 0 > 0 }
    }

    /// Counts every held visit's display version afresh into `activity_counters` (needs the key).
    static func recountActivity(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM activity_counters")
        var deltas: [ActivityCounterKey: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT v.json FROM visit_index i JOIN version v ON v.id = i.version_id
            UNION ALL SELECT v.json FROM activity_index i JOIN version v ON v.id = i.version_id
            """)
        while let row = try rows.next() {
            deltas.merge(ActivityCounterKey.contribution(of: try Sealing.version(row["json"], in: db)), uniquingKeysWith: +)
        }
        try ActivityCounterKey.add(deltas, in: db)
        try db.execute(sql: "DELETE FROM activity_counters_pending")
    }
}
