import Foundation
import MimamoriShared

/// One laptop (a visitor's or an office's replica) as an office sees it: who it is, when it last
/// reached the server and what the server refused it. No visit content.
public struct LaptopActivity: Codable, Sendable, Hashable {
    public let tokenId: String
    public let tokenName: String
    public let role: TokenRole
    public let districts: [String]
    public let replicaId: String?
    public let lastPushAt: Timestamp?
    public let lastContactAt: Timestamp?
    public let refusedTotal: Int
    public let refusedLastPush: Int
}

/// A document in conflict waiting for a person: its id, 校区, type, visit date and since when.
public struct ConflictEntry: Codable, Sendable, Hashable {
    public let documentId: String
    public let district: String
    public let type: String
    public let visitDate: LocalDate?
    public let versions: Int
    public let since: Timestamp
}

/// アウトリーチ等を通じた継続的支援事業 plan events and 日常生活自立支援事業 check-ins of one 年度.
public struct ProgramFigures: Codable, Sendable, Hashable {
    /// Plan events by id (`created`, `replanned`, `closed`).
    public var planEvents: [String: Int]
    public var nichijiCheckins: Int
    /// Distinct contract holders visited by a check-in in the 年度.
    public var nichijiHolders: Int

    /// The same figures as `TotalsReport.programs` carries them.
    public var totals: ProgramTotals {
        ProgramTotals(planEvents: planEvents, nichijiCheckins: nichijiCheckins, nichijiHolders: nichijiHolders)
    }
}

/// One 民生委員's month in the national activity record's terms, from their visits and activities.
public struct MinseiMonth: Codable, Sendable, Hashable {
    public let visitorId: String
    /// The 校区 of the visits (one row per 民生委員 and 校区).
    public let district: String
    /// 訪問回数.
    public let visits: Int
    /// 活動日数: days with any visit or activity.
    public let activeDays: Int
    /// 連絡調整回数: visits whose actions include 関係機関との連絡調整, plus the count of 連絡調整 activities.
    public let liaison: Int
    /// 相談・支援件数: visits with 相談対応 in their actions, or a consultation field or topic.
    public let consultations: Int
    /// The whole record in the national form's layout, with 相談・支援件数 by field and by topic and
    /// その他の活動件数 by category.
    public let report: MonthlyActivityReport
}

/// What the dashboard reads, all from maintained tables: counters, the conflict list, laptop activity.
public protocol DashboardStore: SyncStore {
    /// City-wide counters of the 年度 given (what `counters(fiscalYears:)` gives), or, with `districts`,
    /// the same counters summed over those 校区 only.
    func dashboardCounters(fiscalYears: [Int], districts: Set<String>?) async throws -> [CounterKey: Int]
    /// Visits per 年度 and kind, for every 年度 with any (the trend across years).
    func yearlyCounts(districts: Set<String>?) async throws -> [Int: [VisitKind: Int]]
    /// Outreach plan events and 日常生活自立支援事業 figures of a 年度, city-wide or summed over `districts`.
    func programFigures(fiscalYear: Int, districts: Set<String>?) async throws -> ProgramFigures
    /// The 民生委員 activity records of a month (`YYYY-MM`) in `districts`, by 民生委員 and 校区.
    func minseiMonth(_ month: String, districts: Set<String>) async throws -> [MinseiMonth]
    /// Laptops whose tokens cover any of `districts`, newest contact first.
    func laptops(districts: Set<String>) async throws -> [LaptopActivity]
    /// Documents in conflict in `districts`, oldest first, at most `limit`.
    func conflicts(districts: Set<String>, limit: Int) async throws -> [ConflictEntry]
    /// Notes that a laptop reached the server (a pull, say), for "last sync".
    func recordContact(replicaId: String, at: Timestamp) async throws

    /// Stores a new dashboard session (only the SHA-256 of its id) and deletes every session expired at `now`.
    func startSession(_ session: DashboardSessionRecord, now: Timestamp) async throws
    /// The token of the session whose id hashes to `idHash`, when the session has not expired at `now` and
    /// its token is not revoked: one query, so a token revoked through any server ends its sessions everywhere.
    func sessionToken(idHash: String, now: Timestamp) async throws -> TokenInfo?
    /// Ends one session (sign-out).
    func endSession(idHash: String) async throws
}

/// A dashboard session as the database holds it: the SHA-256 of the random id the browser holds (never the
/// id itself), the token it signed in with, and when it expires.
public struct DashboardSessionRecord: Sendable, Hashable {
    public let idHash: String
    public let tokenId: String
    public let expiresAt: Timestamp

    public init(idHash: String, tokenId: String, expiresAt: Timestamp) {
        self.idHash = idHash
        self.tokenId = tokenId
        self.expiresAt = expiresAt
    }
}

/// The sessions table, the same SQL in SQLite and PostgreSQL.
enum DashboardSessionTable {
    static let create = """
        CREATE TABLE dashboard_sessions (
            id_hash TEXT PRIMARY KEY,
            token_id TEXT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """
    static let index = "CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at)"
}

/// How the rows every store reads become the dashboard's figures: the same for SQLite and PostgreSQL, so
/// only the SQL that fetches the rows is a store's own.
enum DashboardReading {
    /// Sums 校区 counter rows into city-style counters; the 校区 breakdown is the month breakdown per 校区.
    struct CounterAccumulator {
        private(set) var counters: [CounterKey: Int] = [:]

        mutating func add(fiscalYear: Int, district: String, dimension: String, key: String, kind: String, count: Int) {
            guard let dimension = CounterDimension(rawValue: dimension) else { return }
            let kind = VisitKind(rawValue: kind)
            counters[CounterKey(fiscalYear: fiscalYear, dimension: dimension, key: key, kind: kind), default: 0] += count
            if dimension == .month {
                counters[CounterKey(fiscalYear: fiscalYear, dimension: .district, key: district, kind: kind), default: 0] += count
            }
        }
    }

    /// One 民生委員's rows of a month: metric counts and days with any visit, per (visitor, 校区).
    struct MinseiAccumulator {
        let month: String
        private var metrics: [Pair: [String: Int]] = [:]
        private var days: [Pair: Int] = [:]

        private struct Pair: Hashable, Comparable {
            let visitorId: String
            let district: String
            static func < (a: Pair, b: Pair) -> Bool { (a.visitorId, a.district) < (b.visitorId, b.district) }
        }

        init(month: String) { self.month = month }

        mutating func addMetric(visitorId: String, district: String, metric: String, count: Int) {
            metrics[Pair(visitorId: visitorId, district: district), default: [:]][metric] = count
        }

        mutating func addDays(visitorId: String, district: String, count: Int) {
            days[Pair(visitorId: visitorId, district: district)] = count
        }

        var months: [MinseiMonth] {
            metrics.keys.sorted().map { pair in
                let m = metrics[pair] ?? [:]
                let activeDays = days[pair] ?? 0
                return MinseiMonth(visitorId: pair.visitorId, district: pair.district, visits: m[MinseiRecord.visits] ?? 0,
                                   activeDays: activeDays, liaison: m[MinseiRecord.liaison] ?? 0,
                                   consultations: m[MinseiRecord.consultation] ?? 0,
                                   report: MonthlyActivityReport.make(month: month, visitorId: pair.visitorId, metrics: m,
                                                                      activityDays: activeDays))
            }
        }
    }

    /// A laptop's row of `replica_activity` (absent: it never reached the server).
    struct ReplicaActivity {
        var lastPushAt: Int64?
        var lastContactAt: Int64?
        var refusedTotal: Int
        var refusedLastPush: Int
    }

    /// The tokens whose laptops an office of `districts` sees: those that sync documents in any of them.
    static func laptopTokens(_ tokens: [TokenInfo], districts: Set<String>) -> [TokenInfo] {
        tokens.filter { $0.role.syncsDocuments && !Set($0.districts).isDisjoint(with: districts) }
    }

    /// The laptops, newest contact first (then by name).
    static func laptops(_ tokens: [TokenInfo], activity: [String: ReplicaActivity]) -> [LaptopActivity] {
        tokens.map { token in
            let row = token.replicaId.flatMap { activity[$0] }
            return LaptopActivity(
                tokenId: token.id, tokenName: token.name, role: token.role, districts: token.districts,
                replicaId: token.replicaId, lastPushAt: row?.lastPushAt.map(Timestamp.init(milliseconds:)),
                lastContactAt: row?.lastContactAt.map(Timestamp.init(milliseconds:)),
                refusedTotal: row?.refusedTotal ?? 0, refusedLastPush: row?.refusedLastPush ?? 0)
        }
        .sorted { ($0.lastContactAt?.milliseconds ?? -1, $1.tokenName) > ($1.lastContactAt?.milliseconds ?? -1, $0.tokenName) }
    }
}

