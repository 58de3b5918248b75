import MimamoriShared

/// The fields a visitor gives for `visit log` and `visit edit`. For a log, nil means "use the default";
/// for an edit, nil means "leave as it is". Code-list values are kept even when unknown, so validation can name
/// the field and list what is accepted.
public struct VisitFields: Sendable, Hashable {
    public var subjectId: String?
    public var kind: VisitKind?
    public var date: LocalDate?
    public var time: LocalTime?
    public var method: ContactMethod?
    public var outcome: Outcome?
    public var actions: [VisitAction]?
    public var services: [NichijiService]?
    public var concerns: [Concern]?
    public var urgent: Bool?
    public var sharedAt: [SharingVenue]?
    public var referral: ReferralDestination?
    public var nextDue: LocalDate?
    public var durationMinutes: Int?
    public var planEvent: PlanEvent?
    public var consultationField: ConsultationField?
    public var consultationTopics: [ConsultationTopic]?
    public var assistsMinseiId: String?
    public var note: String?

    public init(subjectId: String? = nil, kind: VisitKind? = nil, date: LocalDate? = nil, time: LocalTime? = nil,
                method: ContactMethod? = nil, outcome: Outcome? = nil, actions: [VisitAction]? = nil,
                services: [NichijiService]? = nil, concerns: [Concern]? = nil, urgent: Bool? = nil,
                sharedAt: [SharingVenue]? = nil, referral: ReferralDestination? = nil, nextDue: LocalDate? = nil,
                durationMinutes: Int? = nil, planEvent: PlanEvent? = nil, assistsMinseiId: String? = nil,
                consultationField: ConsultationField? = nil, consultationTopics: [ConsultationTopic]? = nil,
                note: String? = nil) {
        self.subjectId = subjectId; self.kind = kind; self.date = date; self.time = time; self.method = method
        self.outcome = outcome; self.actions = actions; self.services = services; self.concerns = concerns
        self.urgent = urgent; self.sharedAt = sharedAt; self.referral = referral; self.nextDue = nextDue
        self.durationMinutes = durationMinutes; self.planEvent = planEvent; self.assistsMinseiId = assistsMinseiId
        self.consultationField = consultationField; self.consultationTopics = consultationTopics
        self.note = note
    }

    /// Applies the given fields over `visit` (an edit), leaving the others as they are.
    func applied(to visit: Visit) -> Visit {
        var v = visit
        if let x = subjectId { v.subjectId = x }
        if let x = kind { v.kind = x }
        if let x = date { v.date = x }
        if let x = time { v.time = x }
        if let x = method { v.method = x }
        if let x = outcome { v.outcome = x }
        if let x = actions { v.actions = x }
        if let x = services { v.services = x }
        if let x = concerns { v.concerns = x }
        if let x = urgent { v.urgent = x }
        if let x = sharedAt { v.sharedAt = x }
        if let x = referral { v.referral = x }
        if let x = nextDue { v.nextDue = x }
        if let x = durationMinutes { v.durationMinutes = x }
        if let x = planEvent { v.planEvent = x }
        if let x = assistsMinseiId { v.assistsMinseiId = x }
        if let x = consultationField { v.consultationField = x }
        if let x = consultationTopics { v.consultationTopics = x }
        if let x = note { v.note = x }
        return v
    }
}
