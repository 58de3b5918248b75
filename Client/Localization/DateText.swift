import MimamoriShared

/// Dates as a person reads them: 2026年11月24日(火), 11月24日(火), or in 和暦 (令和8年11月24日(火)) when the
/// visitor asks for it; "Tue 24 Nov 2026" in English.
public enum DateText {
    static let japaneseWeekdays = ["日", "月", "火", "水", "木", "金", "土"]
    static let englishWeekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// 0 = Sunday. 1970-01-01 (day number 0) was a Thursday.
    static func weekdayIndex(_ date: LocalDate) -> Int { ((date.dayNumber + 4) % 7 + 7) % 7 }

    /// The full date with its weekday.
    public static func long(_ date: LocalDate, _ language: Language, wareki: Bool = false) -> String {
        switch language {
        case .japanese:
            let day = "\(date.month)月\(date.day)日(\(japaneseWeekdays[weekdayIndex(date)]))"
            return wareki ? "\(Wareki.dateLabel(date).prefix { $0 != "年" })年" + day : "\(date.year)年" + day
        case .english:
            return "\(englishWeekdays[weekdayIndex(date)]) \(date.day) \(englishMonths[date.month - 1]) \(date.year)"
        }
    }

    /// The date without its year, for dates near today.
    public static func short(_ date: LocalDate, _ language: Language) -> String {
        switch language {
        case .japanese: return "\(date.month)月\(date.day)日(\(japaneseWeekdays[weekdayIndex(date)]))"
        case .english: return "\(englishWeekdays[weekdayIndex(date)]) \(date.day) \(englishMonths[date.month - 1])"
        }
    }
}
