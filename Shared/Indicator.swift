import Foundation

/// 見守り訪問活動件数 and its broader cousin, as data: which kinds count, the baseline and the plan's target.
public struct IndicatorDefinition: Hashable, Sendable, Codable {
    public let id: String
    public let japaneseName: String
    public let englishName: String
    public let kinds: [VisitKind]
    public let baselineYear: Int
    public let baseline: Int?
    public let targetYear: Int
    public let target: Int?

    public func counts(_ kind: VisitKind) -> Bool { kinds.contains(kind) }

    /// The plan's official indicator (Kurume, くるめ支え合うプラン): ふれあいの会による訪問活動件数.
    public static let official = IndicatorDefinition(
        id: "mimamori_official", japaneseName: "見守り訪問活動件数（ふれあいの会による訪問活動件数）",
        englishName: "Watch-over visits (Fureai-no-kai)", kinds: [.fureaiWatch],
        baselineYear: 2018, baseline: 226_650, targetYear: 2025, target: 296_000)

    /// All watch visits, which the plan aims to widen the activity to. No official baseline or target.
    public static let broad = IndicatorDefinition(
        id: "mimamori_broad", japaneseName: "見守り訪問活動件数（全見守り訪問）",
        englishName: "Watch-over visits (all watch kinds)", kinds: [.fureaiWatch, .minseiWatch, .kyoryokuinWatch],
        baselineYear: 2018, baseline: nil, targetYear: 2025, target: nil)

    public static let all = [official, broad]

    /// The annual target for a fiscal year: the plan's target in its target year; for the years between
    /// baseline and target, a straight line from one to the other (the plan states only the two end points).
    /// Nil outside that span or when the indicator has no target.
    public func annualTarget(_ year: FiscalYear) -> Int? {
        guard let target, let baseline, year.year > baselineYear, year.year <= targetYear else { return nil }
        let span = Double(targetYear - baselineYear)
        let share = Double(year.year - baselineYear) / span
        return Int((Double(baseline) + Double(target - baseline) * share).rounded())
    }
}

/// The breakdown a counter belongs to.
public enum CounterDimension: String, Sendable, Hashable, Codable, CaseIterable {
    case month
    case district
    case method
    case outcome
}

/// One indicator counter: visits of `kind` in 年度 `fiscalYear` whose `dimension` has value `key`
/// (e.g. month "2025-04", district "nishi", method "phone"). Summing any one dimension gives the total.
public struct CounterKey: Hashable, Sendable, Codable, Comparable {
    public let fiscalYear: Int
    public let dimension: CounterDimension
    public let key: String
    public let kind: VisitKind

    public init(fiscalYear: Int, dimension: CounterDimension, key: String, kind: VisitKind) {
        self.fiscalYear = fiscalYear
        self.dimension = dimension
        self.key = key
        self.kind = kind
    }

    /// A dimension hashed by its case, not its name: a pulled group hashes four keys per visit.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(fiscalYear)
        switch dimension {
        case .month: hasher.combine(0 as UInt8)
        case .district: hasher.combine(1 as UInt8)
        case .method: hasher.combine(2 as UInt8)
        case .outcome: hasher.combine(3 as UInt8)
        }
        hasher.combine(key)
        hasher.combine(kind)
    }

    public static func < (a: CounterKey, b: CounterKey) -> Bool {
        (a.fiscalYear, a.dimension.rawValue, a.key, a.kind.rawValue) < (b.fiscalYear, b.dimension.rawValue, b.key, b.kind.rawValue)
    }
}

/// The pure counting rule both server and client use, so a full recount always agrees with the counters.
public enum IndicatorCounting {
    /// The counters one live visit contributes to (one per dimension), in the 年度 of its visit date.
    public static func keys(for visit: Visit) -> [CounterKey] {
        var keys: [CounterKey] = []
        keys.reserveCapacity(4)
        forEachKey(of: visit) { keys.append($0) }
        return keys
    }

    /// `keys(for:)` handed to `body` one by one, with no array made.
    @inline(__always)
    static func forEachKey(of visit: Visit, _ body: (CounterKey) -> Void) {
        let fy = visit.fiscalYear.year
        body(CounterKey(fiscalYear: fy, dimension: .month, key: visit.date.monthKey, kind: visit.kind))
        body(CounterKey(fiscalYear: fy, dimension: .district, key: visit.district, kind: visit.kind))
        body(CounterKey(fiscalYear: fy, dimension: .method, key: visit.method.rawValue, kind: visit.kind))
        body(CounterKey(fiscalYear: fy, dimension: .outcome, key: visit.outcome.rawValue, kind: visit.kind))
    }

    /// The visit a display version counts as, if it counts (see `contribution(of:)`).
    static func counted(_ display: Version?) -> Visit? {
        guard let display, display.isLive else { return nil }
        return display.payload.visit
    }

    /// What a document contributes given its display version: a live visit counts once; a tombstone, a
    /// subject or nothing counts zero. A visit in conflict counts once, by its display version.
    public static func contribution(of display: Version?) -> [CounterKey] {
        counted(display).map(keys(for:)) ?? []
    }

    /// The counter changes when a document's display version goes from `before` to `after`. Zero deltas are
    /// left out, so an edit of the note changes nothing and a change of kind moves the visit between counts.
    public static func deltas(before: Version?, after: Version?) -> [CounterKey: Int] {
        var d: [CounterKey: Int] = [:]
        addDeltas(before: before, after: after, to: &d)
        return d.filter { $0.value != 0 }
    }

    /// Adds the change from `before` to `after` into a batch's running `totals` (entries may reach zero): what
    /// `deltas` gives, without a dictionary per document — push and a pulled page count thousands at once.
    public static func addDeltas(before: Version?, after: Version?, to totals: inout [CounterKey: Int]) {
        if let visit = counted(before) { forEachKey(of: visit) { totals[$0, default: 0] -= 1 } }
        if let visit = counted(after) { forEachKey(of: visit) { totals[$0, default: 0] += 1 } }
    }

    /// Folds deltas into counters (dropping counters that reach zero).
    public static func apply(_ deltas: [CounterKey: Int], to counters: inout [CounterKey: Int]) {
        for (k, v) in deltas {
            let n = counters[k, default: 0] + v
            counters[k] = n == 0 ? nil : n
        }
    }

    /// Counts from scratch over display versions: what the counters must always equal.
    public static func recount<S: Sequence>(displays: S) -> [CounterKey: Int] where S.Element == Version {
        var counters: [CounterKey: Int] = [:]
        for v in displays {
            for k in contribution(of: v) { counters[k, default: 0] += 1 }
        }
        return counters
    }
}
