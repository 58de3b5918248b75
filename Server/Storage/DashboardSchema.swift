import Foundation
import GRDB
import MimamoriShared

/// The tables the dashboard reads, kept up to date inside each push (see `DashboardRecordingTransaction`),
/// so that no page ever scans the visits.
enum DashboardSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("dashboard-v1") { db in
            // 校区-scoped counters (month, method and outcome per 校区): what an office's page sums.
            try db.execute(sql: """
                CREATE TABLE district_counters (
                    fiscal_year INTEGER NOT NULL,
                    district TEXT NOT NULL,
                    dimension TEXT NOT NULL,
                    key TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    count BIGINT NOT NULL,
                    PRIMARY KEY (fiscal_year, district, dimension, key, kind)
                )
                """)
            // Documents whose version set holds concurrent versions, waiting for a person to resolve them.
            try db.execute(sql: """
                CREATE TABLE conflicts (
                    document_id TEXT PRIMARY KEY,
                    district TEXT NOT NULL,
                    type TEXT NOT NULL,
                    visit_date TEXT,
                    versions INTEGER NOT NULL,
                    since BIGINT NOT NULL
                )
                """)
            try db.execute(sql: "CREATE INDEX conflicts_district ON conflicts (district, since)")
            try db.execute(sql: "CREATE INDEX district_counters_district ON district_counters (district, dimension, fiscal_year)")
            // 日常生活自立支援事業: check-ins per contract holder, so the number of holders visited is a count of rows.
            try db.execute(sql: """
                CREATE TABLE nichiji_holders (
                    fiscal_year INTEGER NOT NULL,
                    district TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    count BIGINT NOT NULL,
                    PRIMARY KEY (fiscal_year, district, subject_id)
                )
                """)
            // 民生委員の活動記録: per month, 校区 and 民生委員, visits and those with 連絡調整 or 相談対応 (metric),
            // and the days with any visit (one row per day, so 活動日数 is a count of rows). Activities (その他の活動,
            // 連絡調整) add to the same two tables under their own metrics.
            try db.execute(sql: """
                CREATE TABLE minsei_activity (
                    month TEXT NOT NULL,
                    district TEXT NOT NULL,
                    visitor_id TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    count BIGINT NOT NULL,
                    PRIMARY KEY (month, district, visitor_id, metric)
                )
                """)
            try db.execute(sql: """
                CREATE TABLE minsei_days (
                    month TEXT NOT NULL,
                    district TEXT NOT NULL,
                    visitor_id TEXT NOT NULL,
                    date TEXT NOT NULL,
                    count BIGINT NOT NULL,
                    PRIMARY KEY (month, district, visitor_id, date)
                )
                """)
            // Each laptop's last contact with the server and the changes the server refused it.
            try db.execute(sql: """
                CREATE TABLE replica_activity (
                    replica_id TEXT PRIMARY KEY,
                    last_push_at BIGINT,
                    last_contact_at BIGINT,
                    refused_total BIGINT NOT NULL DEFAULT 0,
                    refused_last_push BIGINT NOT NULL DEFAULT 0
                )
                """)
            try backfill(db)
        }
    }

    /// Counts what a database made before the dashboard already holds: once, at upgrade.
    private static func backfill(_ db: Database) throws {
        var deltas = DashboardDeltas()
        let rows = try Row.fetchCursor(db, sql: "SELECT document_id, version FROM versions ORDER BY document_id")
        var currentId: String?
        var current: [Version] = []
        let now = Timestamp.now()
        func flush() throws {
            defer { current = [] }
            guard let id = currentId, !current.isEmpty else { return }
            let set = try VersionSet(current)
            deltas.add(before: nil, after: set.display)
            try DashboardTables.saveConflict(id: id, set, at: now, in: db)
        }
        while let row = try rows.next() {
            let id: String = row["document_id"]
            if id != currentId { try flush(); currentId = id }
            current.append(try SQLitePushTransaction.decodeVersion(row["version"]))
        }
        try flush()
        try deltas.write(in: db)
    }
}

/// One 校区-scoped counter: visits of `kind` in 年度 `fiscalYear` and 校区 `district` whose `dimension`
/// (month, method, outcome — or `plan_event` for outreach plan events) has value `key`.
public struct DistrictCounterKey: Hashable, Sendable {
    public let fiscalYear: Int
    public let district: String
    public let dimension: String
    public let key: String
    public let kind: VisitKind

    /// The dimension of outreach plan events (作成 / 再プラン / 終結), counted only here, never in the indicator.
    public static let planEvent = "plan_event"
}

/// Who the 民生委員 monthly activity record counts (DOMAIN.md §7); what a visit adds is Shared's
/// `MonthlyActivityReport.metrics(of:)`, the rule the laptop's `report monthly` uses too.
enum MinseiRecord {
    static let roles = VisitorRole.minseiRecordRoles
    static let visits = MonthlyActivityReport.Metric.visits
    static let liaison = MonthlyActivityReport.Metric.liaison
    static let consultation = MonthlyActivityReport.Metric.consultation
}

struct MinseiKey: Hashable, Sendable {
    let month: String
    let district: String
    let visitorId: String
    let metric: String
}

struct MinseiDayKey: Hashable, Sendable {
    let month: String
    let district: String
    let visitorId: String
    let date: String
}

/// One 日常生活自立支援事業 contract holder visited in a 年度 and 校区 (the subject id stays on the server).
struct NichijiHolderKey: Hashable, Sendable {
    let fiscalYear: Int
    let district: String
    let subjectId: String
}

/// The counting rule of `IndicatorCounting`, per 校区: the same visits, once each, by their display version.
enum DistrictCounting {
    static func contribution(of display: Version?) -> [DistrictCounterKey] {
        guard let visit = display?.payload.visit else { return [] }
        var keys: [DistrictCounterKey] = IndicatorCounting.contribution(of: display).compactMap { key in
            guard key.dimension != .district else { return nil }
            return DistrictCounterKey(fiscalYear: key.fiscalYear, district: visit.district, dimension: key.dimension.rawValue,
                                      key: key.key, kind: key.kind)
        }
        if !keys.isEmpty, visit.kind == .outreach, let event = visit.planEvent {
            keys.append(DistrictCounterKey(fiscalYear: visit.fiscalYear.year, district: visit.district,
                                           dimension: DistrictCounterKey.planEvent, key: event.rawValue, kind: visit.kind))
        }
        return keys
    }

    static func deltas(before: Version?, after: Version?) -> [DistrictCounterKey: Int] {
        DashboardDeltas(before: before, after: after).counters.filter { $0.value != 0 }
    }

    /// What a live visit or activity of a 民生委員・児童委員 adds to their monthly activity record (Shared's
    /// `MonthlyActivityReport.contribution`): its metrics, and its day.
    static func minseiActivity(of display: Version?) -> (metrics: [MinseiKey: Int], day: MinseiDayKey)? {
        guard let c = MonthlyActivityReport.contribution(of: display), MinseiRecord.roles.contains(c.visitorRole) else { return nil }
        let metrics = Dictionary(uniqueKeysWithValues: c.metrics.map { metric, n in
            (MinseiKey(month: c.month, district: c.district, visitorId: c.visitorId, metric: metric), n)
        })
        return (metrics, MinseiDayKey(month: c.month, district: c.district, visitorId: c.visitorId, date: c.date.description))
    }

    static func minseiDeltas(before: Version?, after: Version?) -> (metrics: [MinseiKey: Int], days: [MinseiDayKey: Int]) {
        let d = DashboardDeltas(before: before, after: after)
        return (d.minseiMetrics.filter { $0.value != 0 }, d.minseiDays.filter { $0.value != 0 })
    }

    /// The contract holder a live 日常生活自立支援事業 check-in visited, if it is one.
    static func holder(of display: Version?) -> NichijiHolderKey? {
        guard let display, display.isLive, let visit = display.payload.visit, visit.kind == .nichijiCheckin else { return nil }
        return NichijiHolderKey(fiscalYear: visit.fiscalYear.year, district: visit.district, subjectId: visit.subjectId)
    }

    static func holderDeltas(before: Version?, after: Version?) -> [NichijiHolderKey: Int] {
        DashboardDeltas(before: before, after: after).holders.filter { $0.value != 0 }
    }
}

/// Wraps a backend's push transaction and keeps the dashboard's tables in the same transaction: the
/// 校区 counters and the conflict list move with each saved document, and each reply's refusals are
/// added to the pushing laptop's tally. The sync rules stay in `PushProcessor`.
struct DashboardRecordingTransaction<Base: PushTransaction>: PushTransaction {
    let base: Base
    let db: Database
    let now: Timestamp

    func epoch() throws -> String { try base.epoch() }
    func storedBatch(replica: String, batchId: String) throws -> StoredBatch? { try base.storedBatch(replica: replica, batchId: batchId) }
    func documents(_ ids: [String]) throws -> [String: StoredDocument] { try base.documents(ids) }
    func highestCounters(of replicas: [String]) throws -> [String: UInt64] { try base.highestCounters(of: replicas) }
    func lastSequence() throws -> Int64 { try base.lastSequence() }
    func setLastSequence(_ sequence: Int64) throws { try base.setLastSequence(sequence) }
    func raiseHighestCounters(_ counters: [String: UInt64]) throws { try base.raiseHighestCounters(counters) }
    func addToCounters(_ deltas: [CounterKey: Int]) throws { try base.addToCounters(deltas) }
    func recordMove(id: String, type: DocumentType, from: String, to: String, sequence: Int64) throws {
        try base.recordMove(id: id, type: type, from: from, to: to, sequence: sequence)
    }

    func saveDocuments(_ saves: [DocumentSave]) throws {
        try base.saveDocuments(saves)
        var deltas = DashboardDeltas()
        for save in saves {
            deltas.add(before: save.previous?.versions.display, after: save.document.versions.display)
            if save.document.versions.isConflict || save.previous?.versions.isConflict == true {
                try DashboardTables.saveConflict(id: save.id, save.document.versions, at: now, in: db)
            }
        }
        try deltas.write(in: db)
    }

    func storeReply(replica: String, batchId: String, contentHash: Data, body: Data) throws {
        try base.storeReply(replica: replica, batchId: batchId, contentHash: contentHash, body: body)
        let refused = (try? MimamoriJSON.decodePushResponse(body))?.results.filter { $0.outcome == .rejected }.count ?? 0
        try db.execute(sql: """
            INSERT INTO replica_activity (replica_id, last_push_at, last_contact_at, refused_total, refused_last_push)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (replica_id) DO UPDATE SET last_push_at = excluded.last_push_at,
                last_contact_at = excluded.last_contact_at,
                refused_total = replica_activity.refused_total + excluded.refused_total,
                refused_last_push = excluded.refused_last_push
            """, arguments: [replica, now.milliseconds, now.milliseconds, refused, refused])
    }
}

/// What a batch of documents does to the dashboard's tables, summed as it goes (one dictionary per table for
/// the whole batch, not one per document): the rule of `DistrictCounting`, written once by `write(in:)`.
struct DashboardDeltas {
    var counters: [DistrictCounterKey: Int] = [:]
    var holders: [NichijiHolderKey: Int] = [:]
    var minseiMetrics: [MinseiKey: Int] = [:]
    var minseiDays: [MinseiDayKey: Int] = [:]

    init() {}

    /// One document's change.
    init(before: Version?, after: Version?) {
        add(before: before, after: after)
    }

    /// A document's display version went from `before` to `after` (nil: none).
    mutating func add(before: Version?, after: Version?) {
        for k in DistrictCounting.contribution(of: before) { counters[k, default: 0] -= 1 }
        for k in DistrictCounting.contribution(of: after) { counters[k, default: 0] += 1 }
        if let k = DistrictCounting.holder(of: before) { holders[k, default: 0] -= 1 }
        if let k = DistrictCounting.holder(of: after) { holders[k, default: 0] += 1 }
        if let b = DistrictCounting.minseiActivity(of: before) {
            for (k, n) in b.metrics { minseiMetrics[k, default: 0] -= n }
            minseiDays[b.day, default: 0] -= 1
        }
        if let a = DistrictCounting.minseiActivity(of: after) {
            for (k, n) in a.metrics { minseiMetrics[k, default: 0] += n }
            minseiDays[a.day, default: 0] += 1
        }
    }

    /// Writes the changes that are not zero.
    func write(in db: Database) throws {
        try DashboardTables.add(counters.filter { $0.value != 0 }, in: db)
        try DashboardTables.add(holders.filter { $0.value != 0 }, in: db)
        try DashboardTables.add(minseiMetrics.filter { $0.value != 0 }, minseiDays.filter { $0.value != 0 }, in: db)
    }
}

/// Writes of the dashboard's tables, shared by push, the upgrade and bulk loads.
enum DashboardTables {
    static func add(_ deltas: [DistrictCounterKey: Int], in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO district_counters (fiscal_year, district, dimension, key, kind, count) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (fiscal_year, district, dimension, key, kind) DO UPDATE SET count = district_counters.count + excluded.count
            """)
        for (key, delta) in deltas {
            try statement.execute(arguments: [key.fiscalYear, key.district, key.dimension, key.key, key.kind.rawValue, delta])
        }
    }

    static func add(_ deltas: [NichijiHolderKey: Int], in db: Database) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO nichiji_holders (fiscal_year, district, subject_id, count) VALUES (?, ?, ?, ?)
            ON CONFLICT (fiscal_year, district, subject_id) DO UPDATE SET count = nichiji_holders.count + excluded.count
            """)
        let prune = try db.cachedStatement(sql: "DELETE FROM nichiji_holders WHERE fiscal_year = ? AND district = ? AND subject_id = ? AND count = 0")
        for (key, delta) in deltas {
            try upsert.execute(arguments: [key.fiscalYear, key.district, key.subjectId, delta])
            if delta < 0 { try prune.execute(arguments: [key.fiscalYear, key.district, key.subjectId]) }
        }
    }

    static func add(_ metrics: [MinseiKey: Int], _ days: [MinseiDayKey: Int], in db: Database) throws {
        let metric = try db.cachedStatement(sql: """
            INSERT INTO minsei_activity (month, district, visitor_id, metric, count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (month, district, visitor_id, metric) DO UPDATE SET count = minsei_activity.count + excluded.count
            """)
        for (k, n) in metrics { try metric.execute(arguments: [k.month, k.district, k.visitorId, k.metric, n]) }
        let day = try db.cachedStatement(sql: """
            INSERT INTO minsei_days (month, district, visitor_id, date, count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (month, district, visitor_id, date) DO UPDATE SET count = minsei_days.count + excluded.count
            """)
        let prune = try db.cachedStatement(sql: "DELETE FROM minsei_days WHERE month = ? AND district = ? AND visitor_id = ? AND date = ? AND count = 0")
        for (k, n) in days {
            try day.execute(arguments: [k.month, k.district, k.visitorId, k.date, n])
            if n < 0 { try prune.execute(arguments: [k.month, k.district, k.visitorId, k.date]) }
        }
    }

    /// Lists the document while it is in conflict (keeping the time it first was), and forgets it once resolved.
    static func saveConflict(id: String, _ versions: VersionSet, at now: Timestamp, in db: Database) throws {
        guard versions.isConflict, let display = versions.display else {
            try db.cachedStatement(sql: "DELETE FROM conflicts WHERE document_id = ?").execute(arguments: [id])
            return
        }
        try db.cachedStatement(sql: """
            INSERT INTO conflicts (document_id, district, type, visit_date, versions, since) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (document_id) DO UPDATE SET district = excluded.district, type = excluded.type,
                visit_date = excluded.visit_date, versions = excluded.versions
            """).execute(arguments: [id, display.payload.district, display.type.rawValue,
                                     display.payload.visit?.date.description, versions.versions.count, now.milliseconds])
    }
}
