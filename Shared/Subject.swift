import Foundation

/// 訪問先 — a household or person who is visited, with a stable id.
public struct Subject: Hashable, Sendable, Codable {
    public var id: String
    /// Sensitive personal information: never sent to a coordinator.
    public var name: String
    /// 校区.
    public var district: String
    public var categories: [SubjectCategory]
    /// How often the visitor intends to visit, in days, so that overdue visits can be listed.
    public var cadenceDays: Int?
    /// 外部提供同意 — consent to share with supporters outside the visiting body.
    public var consentToShare: Bool
    public var consentDate: LocalDate?
    public var active: Bool
    public var note: String?

    public init(
        id: String, name: String, district: String, categories: [SubjectCategory] = [], cadenceDays: Int? = nil,
        consentToShare: Bool = false, consentDate: LocalDate? = nil, active: Bool = true, note: String? = nil
    ) {
        self.id = id; self.name = name; self.district = district; self.categories = categories
        self.cadenceDays = cadenceDays; self.consentToShare = consentToShare; self.consentDate = consentDate
        self.active = active; self.note = note
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, district, categories, cadenceDays, consentToShare, consentDate, active, note
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        district = try c.decode(String.self, forKey: .district)
        categories = try c.decodeList([SubjectCategory].self, forKey: .categories)
        cadenceDays = try c.decodeIfPresent(Int.self, forKey: .cadenceDays)
        consentToShare = try c.decodeIfPresent(Bool.self, forKey: .consentToShare) ?? false
        consentDate = try c.decodeIfPresent(LocalDate.self, forKey: .consentDate)
        active = try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }
}
