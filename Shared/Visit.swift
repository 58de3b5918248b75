import Foundation

/// 訪問記録 — one visit (or phone call, accompanied visit, contact at a meeting, office visit) to a subject.
public struct Visit: Hashable, Sendable, Codable {
    public var id: String
    public var kind: VisitKind
    public var method: ContactMethod
    public var date: LocalDate
    public var time: LocalTime?
    public var durationMinutes: Int?
    public var visitorId: String
    public var visitorRole: VisitorRole
    /// e.g. the ふれあいの会 of a 校区.
    public var organization: String?
    /// For `kyoryokuin_watch`: the 民生委員 being assisted (協力員 share their watch list).
    public var assistsMinseiId: String?
    public var subjectId: String
    /// 校区 of the subject at the time of the visit: counts and access follow it.
    public var district: String
    public var outcome: Outcome
    public var actions: [VisitAction]
    public var services: [NichijiService]
    public var concerns: [Concern]
    /// 緊急性あり.
    public var urgent: Bool
    public var sharedAt: [SharingVenue]
    public var referral: ReferralDestination?
    public var nextDue: LocalDate?
    public var planEvent: PlanEvent?
    /// Free text; sensitive personal information (要配慮個人情報).
    public var note: String?

    public init(
        id: String, kind: VisitKind, method: ContactMethod = .homeVisit, date: LocalDate, time: LocalTime? = nil,
        durationMinutes: Int? = nil, visitorId: String, visitorRole: VisitorRole, organization: String? = nil,
        assistsMinseiId: String? = nil, subjectId: String, district: String, outcome: Outcome = .safetyConfirmed,
        actions: [VisitAction] = [], services: [NichijiService] = [], concerns: [Concern] = [], urgent: Bool = false,
        sharedAt: [SharingVenue] = [], referral: ReferralDestination? = nil, nextDue: LocalDate? = nil,
        planEvent: PlanEvent? = nil, note: String? = nil
    ) {
        self.id = id; self.kind = kind; self.method = method; self.date = date; self.time = time
        self.durationMinutes = durationMinutes; self.visitorId = visitorId; self.visitorRole = visitorRole
        self.organization = organization; self.assistsMinseiId = assistsMinseiId; self.subjectId = subjectId
        self.district = district; self.outcome = outcome; self.actions = actions; self.services = services
        self.concerns = concerns; self.urgent = urgent; self.sharedAt = sharedAt; self.referral = referral
        self.nextDue = nextDue; self.planEvent = planEvent; self.note = note
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind, method, date, time, durationMinutes, visitorId, visitorRole, organization, assistsMinseiId
        case subjectId, district, outcome, actions, services, concerns, urgent, sharedAt, referral, nextDue
        case planEvent, note
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(VisitKind.self, forKey: .kind)
        method = try c.decode(ContactMethod.self, forKey: .method)
        date = try c.decode(LocalDate.self, forKey: .date)
        time = try c.decodeIfPresent(LocalTime.self, forKey: .time)
        durationMinutes = try c.decodeIfPresent(Int.self, forKey: .durationMinutes)
        visitorId = try c.decode(String.self, forKey: .visitorId)
        visitorRole = try c.decode(VisitorRole.self, forKey: .visitorRole)
        organization = try c.decodeIfPresent(String.self, forKey: .organization)
        assistsMinseiId = try c.decodeIfPresent(String.self, forKey: .assistsMinseiId)
        subjectId = try c.decode(String.self, forKey: .subjectId)
        district = try c.decode(String.self, forKey: .district)
        outcome = try c.decode(Outcome.self, forKey: .outcome)
        actions = try c.decodeList([VisitAction].self, forKey: .actions)
        services = try c.decodeList([NichijiService].self, forKey: .services)
        concerns = try c.decodeList([Concern].self, forKey: .concerns)
        urgent = try c.decodeIfPresent(Bool.self, forKey: .urgent) ?? false
        sharedAt = try c.decodeList([SharingVenue].self, forKey: .sharedAt)
        referral = try c.decodeIfPresent(ReferralDestination.self, forKey: .referral)
        nextDue = try c.decodeIfPresent(LocalDate.self, forKey: .nextDue)
        planEvent = try c.decodeIfPresent(PlanEvent.self, forKey: .planEvent)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }

    /// 年度 the visit counts in: that of its visit date, never of its sync date.
    public var fiscalYear: FiscalYear { FiscalYear(containing: date) }
}
