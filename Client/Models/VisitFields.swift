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
    /// `visit edit --clear`: the fields taken away (an edit only; a field both given and cleared is refused).
    public var cleared: Set<ClearableVisitField> = []

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
        for field in cleared { field.clear(in: &v) }
        return v
    }
}

/// A field an edit can take away (`--clear FIELD`), named as its option is, with its Japanese name for help and errors.
public protocol ClearableField: RawRepresentable<String>, CaseIterable, Sendable, Hashable {
    var japanese: String { get }
}

/// The fields of a visit that it may be without, named as their `visit edit` options are: `--clear FIELD` takes
/// one away (a note, a referral, a next visit…), which an option's "nil leaves it as it is" cannot say.
public enum ClearableVisitField: String, ClearableField {
    case time, durationMin = "duration-min", referral, nextDue = "next-due", planEvent = "plan-event"
    case consultationField = "consultation-field", assists, note
    case action, service, concern, sharedAt = "shared-at", consultationTopic = "consultation-topic"

    public var japanese: String {
        switch self {
        case .time: "時刻"
        case .durationMin: "かかった時間"
        case .referral: "つなぎ先"
        case .nextDue: "次回の訪問予定日"
        case .planEvent: "アウトリーチのプラン"
        case .consultationField: "相談・支援の分野"
        case .assists: "協力した民生委員"
        case .note: "メモ"
        case .action: "したこと"
        case .service: "日常生活自立支援事業のサービス"
        case .concern: "気づき"
        case .sharedAt: "共有先"
        case .consultationTopic: "相談・支援の内容"
        }
    }

    func clear(in v: inout Visit) {
        switch self {
        case .time: v.time = nil
        case .durationMin: v.durationMinutes = nil
        case .referral: v.referral = nil
        case .nextDue: v.nextDue = nil
        case .planEvent: v.planEvent = nil
        case .consultationField: v.consultationField = nil
        case .assists: v.assistsMinseiId = nil
        case .note: v.note = nil
        case .action: v.actions = []
        case .service: v.services = []
        case .concern: v.concerns = []
        case .sharedAt: v.sharedAt = []
        case .consultationTopic: v.consultationTopics = []
        }
    }

    func isGiven(in f: VisitFields) -> Bool {
        switch self {
        case .time: f.time != nil
        case .durationMin: f.durationMinutes != nil
        case .referral: f.referral != nil
        case .nextDue: f.nextDue != nil
        case .planEvent: f.planEvent != nil
        case .consultationField: f.consultationField != nil
        case .assists: f.assistsMinseiId != nil
        case .note: f.note != nil
        case .action: f.actions != nil
        case .service: f.services != nil
        case .concern: f.concerns != nil
        case .sharedAt: f.sharedAt != nil
        case .consultationTopic: f.consultationTopics != nil
        }
    }
}
