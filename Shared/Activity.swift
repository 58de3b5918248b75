import Foundation

/// 活動記録 (その他の活動・連絡調整) — work of a 民生委員・児童委員 that is not a visit to a subject: a survey, a
/// meeting, a certificate, a call to an agency. It names no subject; its note is sensitive all the same.
/// `count` is how many of that work the entry records on that date (three certificates, two meetings), as the
/// paper form's daily columns do.
public struct Activity: Hashable, Sendable, Codable {
    public var id: String
    public var category: ActivityCategory
    public var date: LocalDate
    /// 校区 the work was done for: access and the office's counts follow it.
    public var district: String
    /// How many: a whole number from 1 to `Limits.activityCount`.
    public var count: Int
    public var visitorId: String
    public var visitorRole: VisitorRole
    /// Free text; sensitive personal information (要配慮個人情報).
    public var note: String?

    public init(id: String, category: ActivityCategory, date: LocalDate, district: String, count: Int = 1,
                visitorId: String, visitorRole: VisitorRole, note: String? = nil) {
        self.id = id; self.category = category; self.date = date; self.district = district; self.count = count
        self.visitorId = visitorId; self.visitorRole = visitorRole; self.note = note
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, category, date, district, count, visitorId, visitorRole, note
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        category = try c.decode(ActivityCategory.self, forKey: .category)
        date = try c.decode(LocalDate.self, forKey: .date)
        district = try c.decode(String.self, forKey: .district)
        count = try c.decode(Int.self, forKey: .count)
        visitorId = try c.decode(String.self, forKey: .visitorId)
        visitorRole = try c.decode(VisitorRole.self, forKey: .visitorRole)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }
}

/// その他の活動の区分 and 連絡調整 — the categories of an `Activity` (DOMAIN.md §7). `liaison` counts as 連絡調整回数;
/// the others are the その他の活動件数 of the national form, in its order.
public struct ActivityCategory: CodeList {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Not `category`, which names a subject's categories: messages say which list they mean.
    public static let field = "activity-category"
    public static let liaison: Self = "liaison"
    public static let entries = [
        CodeEntry("survey", "調査・実態把握", "Survey and fact-finding"),
        CodeEntry("event_participation", "行事・事業・会議への参加協力", "Taking part in events, programmes and meetings"),
        CodeEntry("community_welfare", "地域福祉活動・自主活動", "Community welfare and own initiatives"),
        CodeEntry("council_training", "民児協運営・研修", "Minsei-iin council work and training"),
        CodeEntry("certification", "証明事務", "Certificates"),
        CodeEntry("child_protection", "要保護児童の発見の通告・仲介", "Reporting and referring children in need of protection"),
        CodeEntry("liaison", "連絡調整", "Liaison with agencies"),
    ]

    /// The categories the form counts as その他の活動件数 (all but 連絡調整).
    public static var otherActivities: [CodeEntry] { entries.filter { $0.id != liaison.rawValue } }
}

extension Activity {
    /// Every problem with this activity. `today` is the current date in Japan time on the checking side.
    public func problems(today: LocalDate, codes: CodePolicy = .knownOnly) -> [ValidationProblem] {
        var c = Checker(codes: codes)
        c.id(id, "id")
        c.code(category)
        c.require(date >= earliestVisitDate && date <= today, "date", date.description,
                  "a date from \(earliestVisitDate) to today (\(today)); an activity cannot be in the future")
        c.text(district, "district", Limits.idText)
        c.require(Limits.activityCount.contains(count), "count", String(count),
                  "a whole number from \(Limits.activityCount.lowerBound) to \(Limits.activityCount.upperBound)")
        c.text(visitorId, "visitor-id", Limits.idText)
        c.code(visitorRole)
        c.note(note)
        return c.problems
    }
}
