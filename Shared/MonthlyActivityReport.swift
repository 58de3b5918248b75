import Foundation

/// 民生委員の活動記録 — one 民生委員's month in the layout of the national form (活動記録 → 福祉行政報告例,
/// DOMAIN.md §7), counted from their visits and activities (`Activity`). The laptop and the office count with
/// the same `make`.
///
/// - 訪問回数 (`visits`): every visit the 民生委員 recorded in the month, whatever the contact method.
/// - 活動日数 (`activityDays`): the distinct dates with at least one visit or activity.
/// - 連絡調整回数 (`liaisons`): visits whose actions include `liaison` (関係機関との連絡調整), plus the `count` of
///   activities of the category `liaison` (連絡調整).
/// - その他の活動件数 (`otherActivities`, `byActivity`): the `count` of activities by category, all but 連絡調整.
/// - 相談・支援件数 (`consultations`): visits with the action `consultation` (相談対応), a field or a topic. By field:
///   visits with a `consultationField`, one per visit (older visits have none, so the rows may sum to less);
///   by topic: each topic of `consultationTopics`, so one visit may count under several topics. A code this build does not know is counted
///   under `unknown`, never echoed.
public struct MonthlyActivityReport: Hashable, Sendable, Codable {
    public struct Row: Hashable, Sendable, Codable {
        public var key: String
        public var label: String
        public var count: Int
        public init(key: String, label: String, count: Int) { self.key = key; self.label = label; self.count = count }
    }

    /// "YYYY-MM".
    public var month: String
    public var visitorId: String
    public var visits: Int
    public var activityDays: Int
    public var liaisons: Int
    /// 相談・支援件数 (分野別の合計).
    public var consultations: Int
    public var byField: [Row]
    public var byTopic: [Row]
    /// その他の活動件数 (区分別の合計).
    public var otherActivities: Int
    /// その他の活動件数 by category, in the form's order (連絡調整 is in `liaisons`).
    public var byActivity: [Row]

    /// The month "YYYY-MM" of a date.
    public static func monthKey(year: Int, month: Int) -> String { String(format: "%04d-%02d", year, month) }

    /// What one live visit adds to its visitor's month: `visits`, and `liaison`, `consultation`,
    /// `field:<id>` and `topic:<id>` when it records them, one each.
    public static func metrics(of v: Visit) -> [String] {
        var m: [String] = []
        forEachMetric(of: v) { m.append($0) }
        return m
    }

    /// `metrics(of:)` handed to `body` one by one (each distinct), with no array made.
    static func forEachMetric(of v: Visit, _ body: (String) -> Void) {
        body(Metric.visits)
        if v.actions.contains(.liaison) { body(Metric.liaison) }
        if v.actions.contains(.consultation) || v.consultationField != nil || !v.consultationTopics.isEmpty {
            body(Metric.consultation)
        }
        if let f = v.consultationField { body(Metric.field(f)) }
        if !v.consultationTopics.isEmpty {
            for t in Set(v.consultationTopics).sorted() { body(Metric.topic(t)) }
        }
    }

    /// `contribution(of:)` handed to `body` metric by metric — the visitor, the date, a metric and how much it
    /// adds — with no dictionary made per document (a pulled group counts thousands). Nothing when it adds nothing.
    public static func forEachMetric(of display: Version?,
                                     _ body: (_ visitorId: String, _ date: LocalDate, _ metric: String, _ count: Int) -> Void) {
        guard let display, display.isLive else { return }
        switch display.payload {
        case let .visit(v):
            forEachMetric(of: v) { body(v.visitorId, v.date, $0, 1) }
        case let .activity(a):
            for (metric, n) in metrics(of: a) { body(a.visitorId, a.date, metric, n) }
        case .subject, .erased:
            return
        }
    }

    /// What one live activity adds to its visitor's month: its `count`, under `liaison` for 連絡調整 and
    /// under `activity:<category>` otherwise.
    public static func metrics(of a: Activity) -> [String: Int] {
        [a.category == .liaison ? Metric.liaison : Metric.activity(a.category): a.count]
    }

    /// What a document's display version adds to the record of its visitor's month, or nil when it adds nothing
    /// (a tombstone, a subject). The office's counters (`minsei_activity`, `minsei_days`) and the laptop's
    /// (`activity_counters`) keep these metrics and one day per date, so both count by this one rule.
    public struct Contribution: Hashable, Sendable {
        public let visitorId: String
        public let visitorRole: VisitorRole
        public let district: String
        public let date: LocalDate
        /// Metric → how much it adds.
        public let metrics: [String: Int]

        public var month: String { date.monthKey }
    }

    public static func contribution(of display: Version?) -> Contribution? {
        guard let display, display.isLive else { return nil }
        return contribution(of: display.payload)
    }

    public static func contribution(of payload: DocumentPayload) -> Contribution? {
        switch payload {
        case let .visit(v):
            return Contribution(visitorId: v.visitorId, visitorRole: v.visitorRole, district: v.district, date: v.date,
                                metrics: Dictionary(metrics(of: v).map { ($0, 1) }, uniquingKeysWith: +))
        case let .activity(a):
            return Contribution(visitorId: a.visitorId, visitorRole: a.visitorRole, district: a.district, date: a.date,
                                metrics: metrics(of: a))
        case .subject, .erased:
            return nil
        }
    }

    /// The metric keys of `metrics(of:)`.
    public enum Metric {
        public static let visits = "visits"
        public static let liaison = "liaison"
        public static let consultation = "consultation"
        public static func field(_ f: ConsultationField) -> String { "field:" + f.reportKey }
        public static func topic(_ t: ConsultationTopic) -> String { "topic:" + t.reportKey }
        public static func activity(_ c: ActivityCategory) -> String { "activity:" + c.reportKey }
    }

    /// The report from summed metrics and the number of days with a visit or an activity.
    public static func make(month: String, visitorId: String, metrics counts: [String: Int], activityDays: Int,
                            language: Language = .japanese) -> MonthlyActivityReport {
        func prefixed(_ prefix: String) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: counts.compactMap { k, n in k.hasPrefix(prefix) ? (String(k.dropFirst(prefix.count)), n) : nil })
        }
        let activities = rows(ActivityCategory.otherActivities, prefixed("activity:"), language)
        return MonthlyActivityReport(
            month: month, visitorId: visitorId, visits: counts[Metric.visits] ?? 0, activityDays: activityDays,
            liaisons: counts[Metric.liaison] ?? 0, consultations: counts[Metric.consultation] ?? 0,
            byField: rows(ConsultationField.entries, prefixed("field:"), language),
            byTopic: rows(ConsultationTopic.entries, prefixed("topic:"), language),
            otherActivities: activities.map(\.count).reduce(0, +), byActivity: activities)
    }

    /// Counts the current, not deleted visits and activities of `visitorId` dated in the month, from scratch.
    /// Every known code has a row, zero or not, as on the paper form.
    public static func make(year: Int, month: Int, visitorId: String, visits: [Visit], activities: [Activity] = [],
                            language: Language = .japanese) -> MonthlyActivityReport {
        let own = (visits.map(DocumentPayload.visit) + activities.map(DocumentPayload.activity))
            .compactMap { contribution(of: $0) }
            .filter { $0.visitorId == visitorId && $0.date.year == year && $0.date.month == month }
        var counts: [String: Int] = [:]
        for c in own { counts.merge(c.metrics, uniquingKeysWith: +) }
        return make(month: monthKey(year: year, month: month), visitorId: visitorId, metrics: counts,
                    activityDays: Set(own.map(\.date)).count, language: language)
    }

    static func rows(_ entries: [CodeEntry], _ counts: [String: Int], _ language: Language) -> [Row] {
        var rows = entries.map { Row(key: $0.id, label: $0.label(language), count: counts[$0.id] ?? 0) }
        if let unknown = counts[CodeID.unknownRow] {
            rows.append(Row(key: CodeID.unknownRow, label: language == .japanese ? "不明な区分" : "Unknown code", count: unknown))
        }
        return rows
    }
}

extension VisitorRole {
    /// The roles whose visits and activities the 民生委員・児童委員 monthly record counts (主任児童委員 included).
    public static let minseiRecordRoles: Set<VisitorRole> = [.minseiIin, "shunin_jido_iin"]
}

extension VisitAction {
    /// 関係機関との連絡調整: counted as 連絡調整回数 in the 民生委員 activity record.
    public static let liaison: Self = "liaison"
    /// 相談対応: counted as 相談・支援件数.
    public static let consultation: Self = "consultation"
}
