import MimamoriShared

/// The fields of `subject add` / `subject edit`; nil means "default" (add) or "unchanged" (edit).
public struct SubjectFields: Sendable, Hashable {
    public var name: String?
    public var district: String?
    public var categories: [SubjectCategory]?
    public var cadenceDays: Int?
    public var consentToShare: Bool?
    public var consentDate: LocalDate?
    public var active: Bool?
    public var note: String?

    public init(name: String? = nil, district: String? = nil, categories: [SubjectCategory]? = nil,
                cadenceDays: Int? = nil, consentToShare: Bool? = nil, consentDate: LocalDate? = nil,
                active: Bool? = nil, note: String? = nil) {
        self.name = name; self.district = district; self.categories = categories; self.cadenceDays = cadenceDays
        self.consentToShare = consentToShare; self.consentDate = consentDate; self.active = active; self.note = note
    }

    func applied(to subject: Subject) -> Subject {
        var s = subject
        if let x = name { s.name = x }
        if let x = district { s.district = x }
        if let x = categories { s.categories = x }
        if let x = cadenceDays { s.cadenceDays = x }
        if let x = consentToShare { s.consentToShare = x }
        if let x = consentDate { s.consentDate = x }
        if let x = active { s.active = x }
        if let x = note { s.note = x }
        return s
    }
}
