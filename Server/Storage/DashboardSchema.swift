import Foundation
import GRDB
import MimamoriShared

/// The tables the dashboard reads, kept up to date inside each push (see `DashboardRecordingTransaction`),
/// so that no page ever scans the visits.
enum DashboardSchema {
    /// The dashboard's tables: the same SQL in SQLite and PostgreSQL.
    static let tables: [String] = [
        // 校区-scoped counters (month, method and outcome per 校区): what an office's page sums.
        """
        CREATE TABLE district_counters (
            fiscal_year INTEGER NOT NULL,
            district TEXT NOT NULL,
            dimension TEXT NOT NULL,
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (fiscal_year, district, dimension, key, kind)
        )
        """,
        // Documents whose version set holds concurrent versions, waiting for a person to resolve them.
        """
        CREATE TABLE conflicts (
            document_id TEXT PRIMARY KEY,
            district TEXT NOT NULL,
            type TEXT NOT NULL,
            visit_date TEXT,
            versions INTEGER NOT NULL,
            since BIGINT NOT NULL
        )
        """,
        "CREATE INDEX conflicts_district ON conflicts (district, since)",
        "CREATE INDEX district_counters_district ON district_counters (district, dimension, fiscal_year)",
        // 日常生活自立支援事業: check-ins per contract holder, so the number of holders visited is a count of rows.
        """
        CREATE TABLE nichiji_holders (
            fiscal_year INTEGER NOT NULL,
            district TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (fiscal_year, district, subject_id)
        )
        """,
        // 民生委員の活動記録: per month, 校区 and 民生委員, visits and those with 連絡調整 or 相談対応 (metric),
        // and the days with any visit (one row per day, so 活動日数 is a count of rows). Activities (その他の活動,
        // 連絡調整) add to the same two tables under their own metrics.
        """
        CREATE TABLE minsei_activity (
            month TEXT NOT NULL,
            district TEXT NOT NULL,
            visitor_id TEXT NOT NULL,
            metric TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (month, district, visitor_id, metric)
        )
        """,
        """
        CREATE TABLE minsei_days (
            month TEXT NOT NULL,
            district TEXT NOT NULL,
            visitor_id TEXT NOT NULL,
            date TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (month, district, visitor_id, date)
        )
        """,
        // Each laptop's last contact with the server and the changes the server refused it.
        """
        CREATE TABLE replica_activity (
            replica_id TEXT PRIMARY KEY,
            last_push_at BIGINT,
            last_contact_at BIGINT,
            refused_total BIGINT NOT NULL DEFAULT 0,
            refused_last_push BIGINT NOT NULL DEFAULT 0
        )
        """,
    ]

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("dashboard-v1") { db in
            for statement in tables { try db.execute(sql: statement) }
            try backfill(db)
        }
        migrator.registerMigration("dashboard-v2 sessions") { db in
            try db.execute(sql: DashboardSessionTable.create)
            try db.execute(sql: DashboardSessionTable.index)
        }
    }

    /// Counts what a database made before the dashboard already holds: once, at upgrade.
    private static func backfill(_ db: Database) throws {
        var backfill = DashboardBackfill()
        // Before migration v4 (an older database, upgraded in order) each version has a row of its own; from v4
        // on each document's row holds its set.
        if try db.tableExists("versions") {
            let rows = try Row.fetchCursor(db, sql: "SELECT document_id, version FROM versions ORDER BY document_id")
            while let row = try rows.next() { try backfill.add(documentId: row["document_id"], version: row["version"]) }
        } else {
            let rows = try Row.fetchCursor(db, sql: "SELECT document_id, versions FROM documents")
            while let row = try rows.next() {
                let id: String = row[0]
                for version in StoredVersionSet.split(row[1]) { try backfill.add(documentId: id, version: version) }
            }
        }
        try SQLiteDashboardTables(db: db).write(try backfill.finish(), at: .now())
    }
}

/// What the documents of a database made before the dashboard contribute, from their stored version rows read
/// in document order: each document's set counted once, as push would have (every store's upgrade).
struct DashboardBackfill {
    private var deltas = DashboardDeltas()
    private var rows = VersionRowGrouper()

    mutating func add(documentId: String, version: String) throws {
        if let document = try rows.add(documentId: documentId, version: version) { deltas.add(document: document.id, document.versions) }
    }

    mutating func finish() throws -> DashboardDeltas {
        if let document = try rows.finish() { deltas.add(document: document.id, document.versions) }
        return deltas
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

/// Everything a version adds to the server's counters while it is its document's display version: the
/// indicator counters (`IndicatorCounting`) and the dashboard's (`DistrictCounting`). A push makes one per
/// pushed version before the store's transaction, so inside it only the sums are left.
struct DisplayContribution: Sendable {
    let indicator: [CounterKey]
    let district: [DistrictCounterKey]
    let holder: NichijiHolderKey?
    let minsei: (metrics: [(key: MinseiKey, count: Int)], day: MinseiDayKey)?

    init(_ display: Version?) {
        indicator = IndicatorCounting.contribution(of: display)
        district = DistrictCounting.contribution(of: display, indicator: indicator)
        holder = DistrictCounting.holder(of: display)
        minsei = DistrictCounting.minseiActivity(of: display)
    }

    static let none = DisplayContribution(nil)
}

/// Counter changes summed for a batch: the indicator's and the dashboard's.
struct CountedAhead: Sendable {
    var indicator: [CounterKey: Int] = [:]
    var dashboard = DashboardDeltas()

    /// Adds (`sign` 1) or takes out (-1) what a display version counts for.
    mutating func add(_ contribution: DisplayContribution, sign: Int) {
        for k in contribution.indicator { indicator[k, default: 0] += sign }
        dashboard.add(contribution, sign: sign)
    }

    mutating func merge(_ other: CountedAhead) {
        for (k, v) in other.indicator { indicator[k, default: 0] += v }
        dashboard.merge(other.dashboard)
    }
}

/// A transaction that keeps the dashboard's tables and can take a batch's dashboard changes summed ahead
/// (`PreparedPush.countedAhead`), counting itself only the saves not `countedAhead`.
protocol CountingAheadTransaction {
    func saveDocuments(_ saves: [DocumentSave], dashboardCounted: DashboardDeltas) throws
}

/// A document's display version going from one version to another (either may be none), as contributions.
struct DisplayChange: Sendable {
    let before: DisplayContribution
    let after: DisplayContribution

    /// Adds the change of the indicator counters into a batch's running sums (entries may reach zero).
    func addIndicator(to totals: inout [CounterKey: Int]) {
        for k in before.indicator { totals[k, default: 0] -= 1 }
        for k in after.indicator { totals[k, default: 0] += 1 }
    }
}

/// The counting rule of `IndicatorCounting`, per 校区: the same visits, once each, by their display version;
/// plan events and check-ins by Shared's `ProgramCounting`, the rule the laptop's `totals` uses too.
enum DistrictCounting {
    static func contribution(of display: Version?) -> [DistrictCounterKey] {
        contribution(of: display, indicator: IndicatorCounting.contribution(of: display))
    }

    /// The same, given the version's `IndicatorCounting.contribution` already made.
    static func contribution(of display: Version?, indicator: [CounterKey]) -> [DistrictCounterKey] {
        guard let visit = display?.payload.visit else { return [] }
        var keys: [DistrictCounterKey] = []
        // Room for a plan event too: one array made per pushed visit, not grown.
        keys.reserveCapacity(indicator.count + 1)
        for key in indicator where key.dimension != .district {
            keys.append(DistrictCounterKey(fiscalYear: key.fiscalYear, district: visit.district, dimension: key.dimension.rawValue,
                                           key: key.key, kind: key.kind))
        }
        if let (visit, event) = ProgramCounting.planEvent(of: display) {
            keys.append(DistrictCounterKey(fiscalYear: visit.fiscalYear.year, district: visit.district,
                                           dimension: DistrictCounterKey.planEvent, key: event.rawValue, kind: visit.kind))
        }
        return keys
    }

    /// What a live visit or activity of a 民生委員・児童委員 adds to their monthly activity record (Shared's
    /// `MonthlyActivityReport.contribution`): its metrics, and its day.
    static func minseiActivity(of display: Version?) -> (metrics: [(key: MinseiKey, count: Int)], day: MinseiDayKey)? {
        // Most visits are not a 民生委員's: their role says so before any metric is made.
        switch display?.payload {
        case let .visit(v)?: guard MinseiRecord.roles.contains(v.visitorRole) else { return nil }
        case let .activity(a)?: guard MinseiRecord.roles.contains(a.visitorRole) else { return nil }
        default: return nil
        }
        guard let c = MonthlyActivityReport.contribution(of: display) else { return nil }
        let metrics = c.metrics.map { metric, n in
            (key: MinseiKey(month: c.month, district: c.district, visitorId: c.visitorId, metric: metric), count: n)
        }
        return (metrics, MinseiDayKey(month: c.month, district: c.district, visitorId: c.visitorId, date: c.date.description))
    }

    /// The contract holder a live 日常生活自立支援事業 check-in visited, if it is one (Shared's `ProgramCounting`).
    static func holder(of display: Version?) -> NichijiHolderKey? {
        guard let visit = ProgramCounting.nichijiCheckin(of: display) else { return nil }
        return NichijiHolderKey(fiscalYear: visit.fiscalYear.year, district: visit.district, subjectId: visit.subjectId)
    }
}

/// What saved documents change in the dashboard's tables: the one rule every store writes (only the SQL
/// differs, in each store's `DashboardTableWriter`). Push adds each document's display before and after;
/// an upgrade and a bulk load add displays with nothing before.
struct DashboardDeltas: Sendable {
    var counters: [DistrictCounterKey: Int] = [:]
    var holders: [NichijiHolderKey: Int] = [:]
    var minseiMetrics: [MinseiKey: Int] = [:]
    var minseiDays: [MinseiDayKey: Int] = [:]
    /// Documents that are, or were until now, in conflict: listed while they are, forgotten once resolved.
    var conflicts: [(id: String, versions: VersionSet)] = []

    init() {}

    /// What a push's saves change.
    init(saves: [DocumentSave]) {
        add(saves: saves, skippingCountedAhead: false)
    }

    /// Adds what `saves` change; with `skippingCountedAhead`, leaves out the counters of saves whose change is
    /// already in these sums (their conflicts, if any, are still listed).
    mutating func add(saves: [DocumentSave], skippingCountedAhead: Bool) {
        // By index: a save is a large value, not worth copying to read a few fields.
        for i in saves.indices {
            if skippingCountedAhead && saves[i].countedAhead {
                // Counted ahead.
            } else if let change = saves[i].displayChange {
                add(change)
            } else {
                add(DisplayChange(before: DisplayContribution(saves[i].previous?.versions.display),
                                  after: DisplayContribution(saves[i].document.versions.display)))
            }
            if saves[i].document.versions.isConflict || saves[i].previous?.versions.isConflict == true {
                conflicts.append((saves[i].id, saves[i].document.versions))
            }
        }
    }

    /// What documents stored before contribute, counted once (an upgrade, a bulk load).
    mutating func add(document id: String, _ versions: VersionSet) {
        add(before: nil, after: versions.display)
        if versions.isConflict { conflicts.append((id, versions)) }
    }

    /// A document's display version went from `before` to `after` (nil: none), summed into the batch's
    /// dictionaries as it goes (entries may reach zero; `write` leaves those out).
    mutating func add(before: Version?, after: Version?) {
        add(DisplayChange(before: DisplayContribution(before), after: DisplayContribution(after)))
    }

    /// The same, from contributions already made.
    mutating func add(_ change: DisplayChange) {
        add(change.before, sign: -1)
        add(change.after, sign: 1)
    }

    /// Adds (`sign` 1) or takes out (-1) what a display version counts for.
    mutating func add(_ contribution: DisplayContribution, sign: Int) {
        for k in contribution.district { counters[k, default: 0] += sign }
        if let k = contribution.holder { holders[k, default: 0] += sign }
        if let m = contribution.minsei {
            for (k, n) in m.metrics { minseiMetrics[k, default: 0] += sign * n }
            minseiDays[m.day, default: 0] += sign
        }
    }

    /// Adds another batch's sums into these.
    mutating func merge(_ other: DashboardDeltas) {
        for (k, v) in other.counters { counters[k, default: 0] += v }
        for (k, v) in other.holders { holders[k, default: 0] += v }
        for (k, v) in other.minseiMetrics { minseiMetrics[k, default: 0] += v }
        for (k, v) in other.minseiDays { minseiDays[k, default: 0] += v }
        conflicts += other.conflicts
    }

    var isEmpty: Bool { counters.isEmpty && holders.isEmpty && minseiMetrics.isEmpty && minseiDays.isEmpty && conflicts.isEmpty }
}

/// A row of the conflict list, as every store writes it: nil when the document is no longer in conflict.
struct ConflictRow {
    let documentId: String
    let district: String
    let type: String
    let visitDate: String?
    let versions: Int

    init?(id: String, _ versions: VersionSet) {
        guard versions.isConflict, let display = versions.display else { return nil }
        documentId = id
        district = display.payload.district
        type = display.type.rawValue
        visitDate = display.payload.visit?.date.description
        self.versions = versions.versions.count
    }
}

/// The writes of the dashboard's tables, in one store's SQL, inside the caller's transaction. Counter rows
/// are added to (never set), rows of holders and days that fall to zero are deleted; the conflict list keeps
/// the time a document first was in conflict.
protocol DashboardTableWriter {
    func addDistrictCounters(_ deltas: [DistrictCounterKey: Int]) throws
    func addNichijiHolders(_ deltas: [NichijiHolderKey: Int]) throws
    func addMinsei(metrics: [MinseiKey: Int], days: [MinseiDayKey: Int]) throws
    /// Upserts `listed` (keeping `since` of rows already there) and deletes the rows of `resolved`.
    func saveConflicts(listed: [ConflictRow], resolved: [String], at now: Timestamp) throws
    /// A push from `replica` reached the server at `now`, and `refused` of its changes were refused.
    func recordPush(replica: String, refused: Int, at now: Timestamp) throws
}

extension DashboardTableWriter {
    func write(_ deltas: DashboardDeltas, at now: Timestamp) throws {
        let counters = deltas.counters.filter { $0.value != 0 }, holders = deltas.holders.filter { $0.value != 0 }
        let metrics = deltas.minseiMetrics.filter { $0.value != 0 }, days = deltas.minseiDays.filter { $0.value != 0 }
        if !counters.isEmpty { try addDistrictCounters(counters) }
        if !holders.isEmpty { try addNichijiHolders(holders) }
        if !metrics.isEmpty || !days.isEmpty { try addMinsei(metrics: metrics, days: days) }
        if !deltas.conflicts.isEmpty {
            var listed: [ConflictRow] = []
            var resolved: [String] = []
            for (id, versions) in deltas.conflicts {
                if let row = ConflictRow(id: id, versions) { listed.append(row) } else { resolved.append(id) }
            }
            try saveConflicts(listed: listed, resolved: resolved, at: now)
        }
    }
}

/// Wraps a backend's push transaction and keeps the dashboard's tables in the same transaction: the
/// 校区 counters and the conflict list move with each saved document, and each reply's refusals are
/// added to the pushing laptop's tally. The sync rules stay in `PushProcessor`; what to count is
/// `DashboardDeltas`; only `tables` is a store's own.
struct DashboardRecordingTransaction<Base: PushTransaction, Tables: DashboardTableWriter>: PushTransaction, CountingAheadTransaction {
    let base: Base
    let tables: Tables
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
        try tables.write(DashboardDeltas(saves: saves), at: now)
    }

    /// The same, with the saves' dashboard changes summed ahead in `dashboardCounted`: only the saves not
    /// `countedAhead` are counted here.
    func saveDocuments(_ saves: [DocumentSave], dashboardCounted: DashboardDeltas) throws {
        try base.saveDocuments(saves)
        var deltas = dashboardCounted
        deltas.add(saves: saves, skippingCountedAhead: true)
        try tables.write(deltas, at: now)
    }

    func storeReply(replica: String, batchId: String, contentHash: Data, body: Data, refused: Int) throws {
        try base.storeReply(replica: replica, batchId: batchId, contentHash: contentHash, body: body, refused: refused)
        try tables.recordPush(replica: replica, refused: refused, at: now)
    }
}

/// `DashboardTableWriter` in SQLite, on one connection inside the caller's transaction: each kind of row one
/// multi-row statement per chunk (`SQLitePushTransaction.forEachChunk`), like the push's own tables.
struct SQLiteDashboardTables: DashboardTableWriter {
    let db: Database
    private var rows: SQLitePushTransaction { SQLitePushTransaction(db: db) }

    func addDistrictCounters(_ deltas: [DistrictCounterKey: Int]) throws {
        try rows.forEachChunk(Array(deltas), rowsPerStatement: 150, sql: {
            """
            INSERT INTO district_counters (fiscal_year, district, dimension, key, kind, count) VALUES \(SQLitePushTransaction.values(rows: $0, columns: 6))
            ON CONFLICT (fiscal_year, district, dimension, key, kind) DO UPDATE SET count = district_counters.count + excluded.count
            """
        }, arguments: { [$0.key.fiscalYear, $0.key.district, $0.key.dimension, $0.key.key, $0.key.kind.rawValue, $0.value] })
    }

    func addNichijiHolders(_ deltas: [NichijiHolderKey: Int]) throws {
        let all = Array(deltas)
        try rows.forEachChunk(all, rowsPerStatement: 200, sql: {
            """
            INSERT INTO nichiji_holders (fiscal_year, district, subject_id, count) VALUES \(SQLitePushTransaction.values(rows: $0, columns: 4))
            ON CONFLICT (fiscal_year, district, subject_id) DO UPDATE SET count = nichiji_holders.count + excluded.count
            """
        }, arguments: { [$0.key.fiscalYear, $0.key.district, $0.key.subjectId, $0.value] })
        // Only a row that went down can have reached zero.
        try rows.forEachChunk(all.filter { $0.value < 0 }, rowsPerStatement: 300, sql: {
            "DELETE FROM nichiji_holders WHERE count = 0 AND (fiscal_year, district, subject_id) IN (VALUES \(SQLitePushTransaction.values(rows: $0, columns: 3)))"
        }, arguments: { [$0.key.fiscalYear, $0.key.district, $0.key.subjectId] })
    }

    func addMinsei(metrics: [MinseiKey: Int], days: [MinseiDayKey: Int]) throws {
        try rows.forEachChunk(Array(metrics), rowsPerStatement: 150, sql: {
            """
            INSERT INTO minsei_activity (month, district, visitor_id, metric, count) VALUES \(SQLitePushTransaction.values(rows: $0, columns: 5))
            ON CONFLICT (month, district, visitor_id, metric) DO UPDATE SET count = minsei_activity.count + excluded.count
            """
        }, arguments: { [$0.key.month, $0.key.district, $0.key.visitorId, $0.key.metric, $0.value] })
        let allDays = Array(days)
        try rows.forEachChunk(allDays, rowsPerStatement: 150, sql: {
            """
            INSERT INTO minsei_days (month, district, visitor_id, date, count) VALUES \(SQLitePushTransaction.values(rows: $0, columns: 5))
            ON CONFLICT (month, district, visitor_id, date) DO UPDATE SET count = minsei_days.count + excluded.count
            """
        }, arguments: { [$0.key.month, $0.key.district, $0.key.visitorId, $0.key.date, $0.value] })
        try rows.forEachChunk(allDays.filter { $0.value < 0 }, rowsPerStatement: 200, sql: {
            "DELETE FROM minsei_days WHERE count = 0 AND (month, district, visitor_id, date) IN (VALUES \(SQLitePushTransaction.values(rows: $0, columns: 4)))"
        }, arguments: { [$0.key.month, $0.key.district, $0.key.visitorId, $0.key.date] })
    }

    func saveConflicts(listed: [ConflictRow], resolved: [String], at now: Timestamp) throws {
        let delete = try db.cachedStatement(sql: "DELETE FROM conflicts WHERE document_id = ?")
        for id in resolved { try delete.execute(arguments: [id]) }
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO conflicts (document_id, district, type, visit_date, versions, since) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (document_id) DO UPDATE SET district = excluded.district, type = excluded.type,
                visit_date = excluded.visit_date, versions = excluded.versions
            """)
        for row in listed {
            try upsert.execute(arguments: [row.documentId, row.district, row.type, row.visitDate, row.versions, now.milliseconds])
        }
    }

    func recordPush(replica: String, refused: Int, at now: Timestamp) throws {
        try db.cachedStatement(sql: """
            INSERT INTO replica_activity (replica_id, last_push_at, last_contact_at, refused_total, refused_last_push)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (replica_id) DO UPDATE SET last_push_at = excluded.last_push_at,
                last_contact_at = excluded.last_contact_at,
                refused_total = replica_activity.refused_total + excluded.refused_total,
                refused_last_push = excluded.refused_last_push
            """).execute(arguments: [replica, now.milliseconds, now.milliseconds, refused, refused])
    }
}
