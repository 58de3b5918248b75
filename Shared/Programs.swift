import Foundation

/// アウトリーチ等を通じた継続的支援事業 plan events and 日常生活自立支援事業 check-ins: what counts, the one rule
/// the server's dashboard tables and the laptop's `totals` both use. Like the indicator, a document counts by its
/// display version, once, in the 年度 of its visit date; a deleted visit counts nothing.
public enum ProgramCounting {
    /// Kurume's target of outreach plans a year (くるめ支え合うプラン).
    public static let outreachPlanTarget = 30

    /// The live outreach visit a display version is and the plan event it records, if both.
    public static func planEvent(of display: Version?) -> (visit: Visit, event: PlanEvent)? {
        guard let visit = liveVisit(display), visit.kind == .outreach, let event = visit.planEvent else { return nil }
        return (visit, event)
    }

    /// The live 日常生活自立支援事業 check-in a display version is (its subject is the contract holder), if it is one.
    public static func nichijiCheckin(of display: Version?) -> Visit? {
        guard let visit = liveVisit(display), visit.kind == .nichijiCheckin else { return nil }
        return visit
    }

    /// The figures of `fiscalYear` counted from scratch over display versions: what the maintained figures
    /// (the server's tables, the laptop's counters and `plan_event` column) must always equal.
    public static func recount<S: Sequence>(fiscalYear: Int, displays: S) -> ProgramTotals where S.Element == Version {
        var events: [String: Int] = [:]
        var checkins = 0
        var holders: Set<String> = []
        for display in displays {
            if let (visit, event) = planEvent(of: display), visit.fiscalYear.year == fiscalYear {
                events[event.rawValue, default: 0] += 1
            }
            if let visit = nichijiCheckin(of: display), visit.fiscalYear.year == fiscalYear {
                checkins += 1
                holders.insert(visit.subjectId)
            }
        }
        return ProgramTotals(planEvents: events, nichijiCheckins: checkins, nichijiHolders: holders.count)
    }

    private static func liveVisit(_ display: Version?) -> Visit? {
        guard let display, display.isLive else { return nil }
        return display.payload.visit
    }
}

/// The programs' figures of a 年度 in `TotalsReport` (`programs`): outreach plans and 日常生活自立支援事業.
/// The plan counts are nil when they are not known: on a locked laptop whose visits from before the
/// `plan_event` column still wait for the key to be counted.
public struct ProgramTotals: Codable, Sendable, Hashable {
    /// Plans made in the 年度: プラン作成 and 再プラン together.
    public let plansCreated: Int?
    /// Of `plansCreated`, the 再プラン.
    public let replans: Int?
    /// Plans closed (終結).
    public let plansClosed: Int?
    /// Kurume's annual target of plans made (30).
    public let planAnnualTarget: Int
    /// 日常生活自立支援事業 check-ins (定期訪問) in the 年度.
    public let nichijiCheckins: Int
    /// Distinct contract holders visited by a check-in in the 年度 (実人数).
    public let nichijiHolders: Int

    /// From plan events by code (`created`, `replanned`, `closed`; nil: not known).
    public init(planEvents: [String: Int]?, nichijiCheckins: Int, nichijiHolders: Int) {
        func count(_ event: PlanEvent) -> Int? { planEvents.map { $0[event.rawValue, default: 0] } }
        let replans = count(.replanned)
        self.replans = replans
        self.plansCreated = count(.created).map { $0 + (replans ?? 0) }
        self.plansClosed = count(.closed)
        self.planAnnualTarget = ProgramCounting.outreachPlanTarget
        self.nichijiCheckins = nichijiCheckins
        self.nichijiHolders = nichijiHolders
    }
}
