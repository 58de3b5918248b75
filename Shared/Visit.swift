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
    /// 相談・支援の分野 (分野別) of the 民生委員 activity record, when the visit was a consultation. Whether the visit
    /// involved 連絡調整 with an agency is not a field of its own: it is the action `liaison` (関係機関との連絡調整)
    /// in `actions`, which the report counts as 連絡調整回数.
    public var consultationField: ConsultationField?
    /// 相談・支援の内容 (内容別): the topics of the consultation. Left out of the JSON when empty, so a visit that
    /// records none is written exactly as before and older laptops read it.
    public var consultationTopics: [ConsultationTopic]
    /// Free text; sensitive personal information (要配慮個人情報).
    public var note: String?

    public init(
        id: String, kind: VisitKind, method: ContactMethod = .homeVisit, date: LocalDate, time: LocalTime? = nil,
        durationMinutes: Int? = nil, visitorId: String, visitorRole: VisitorRole, organization: String? = nil,
        assistsMinseiId: String? = nil, subjectId: String, district: String, outcome: Outcome = .safetyConfirmed,
        actions: [VisitAction] = [], services: [NichijiService] = [], concerns: [Concern] = [], urgent: Bool = false,
        sharedAt: [SharingVenue] = [], referral: ReferralDestination? = nil, nextDue: LocalDate? = nil,
        planEvent: PlanEvent? = nil, consultationField: ConsultationField? = nil,
        consultationTopics: [ConsultationTopic] = [], note: String? = nil
    ) {
        self.id = id; self.kind = kind; self.method = method; self.date = date; self.time = time
        self.durationMinutes = durationMinutes; self.visitorId = visitorId; self.visitorRole = visitorRole
        self.organization = organization; self.assistsMinseiId = assistsMinseiId; self.subjectId = subjectId
        self.district = district; self.outcome = outcome; self.actions = actions; self.services = services
        self.concerns = concerns; self.urgent = urgent; self.sharedAt = sharedAt; self.referral = referral
        self.nextDue = nextDue; self.planEvent = planEvent
        self.consultationField = consultationField; self.consultationTopics = consultationTopics; self.note = note
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind, method, date, time, durationMinutes, visitorId, visitorRole, organization, assistsMinseiId
        case subjectId, district, outcome, actions, services, concerns, urgent, sharedAt, referral, nextDue
        case planEvent, consultationField, consultationTopics, note
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
        consultationField = try c.decodeIfPresent(ConsultationField.self, forKey: .consultationField)
        consultationTopics = try c.decodeList([ConsultationTopic].self, forKey: .consultationTopics)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }

    /// The synthesized form (nil optionals left out, the older lists and `urgent` always written), except that
    /// `consultationTopics` is left out when empty: a visit without the activity-record fields keeps the bytes
    /// an older laptop writes and reads (they refuse unknown keys).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(method, forKey: .method)
        try c.encode(date, forKey: .date)
        try c.encodeIfPresent(time, forKey: .time)
        try c.encodeIfPresent(durationMinutes, forKey: .durationMinutes)
        try c.encode(visitorId, forKey: .visitorId)
        try c.encode(visitorRole, forKey: .visitorRole)
        try c.encodeIfPresent(organization, forKey: .organization)
        try c.encodeIfPresent(assistsMinseiId, forKey: .assistsMinseiId)
        try c.encode(subjectId, forKey: .subjectId)
        try c.encode(district, forKey: .district)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(actions, forKey: .actions)
        try c.encode(services, forKey: .services)
        try c.encode(concerns, forKey: .concerns)
        try c.encode(urgent, forKey: .urgent)
        try c.encode(sharedAt, forKey: .sharedAt)
        try c.encodeIfPresent(referral, forKey: .referral)
        try c.encodeIfPresent(nextDue, forKey: .nextDue)
        try c.encodeIfPresent(planEvent, forKey: .planEvent)
        try c.encodeIfPresent(consultationField, forKey: .consultationField)
        if !consultationTopics.isEmpty { try c.encode(consultationTopics, forKey: .consultationTopics) }
        try c.encodeIfPresent(note, forKey: .note)
    }

    /// 年度 the visit counts in: that of its visit date, never of its sync date.
    public var fiscalYear: FiscalYear { FiscalYear(containing: date) }
}
