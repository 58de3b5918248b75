import Foundation

/// 年度 — the Japanese fiscal year, 1 April to 31 March, named by the year it starts in
/// (FY2025 = 令和7年度 = 2025-04-01 … 2026-03-31).
public struct FiscalYear: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int

    public init(_ year: Int) { self.year = year }

    /// The 年度 a date falls in.
    public init(containing date: LocalDate) {
        self.year = date.month >= 4 ? date.year : date.year - 1
    }

    /// The 年度 reports and queries accept: requests outside are refused with this range, not computed.
    public static let supportedYears = 2000...2100
    public var isSupported: Bool { FiscalYear.supportedYears.contains(year) }
    public static let supportedDescription =
        "a 年度 as its starting year from \(supportedYears.lowerBound) to \(supportedYears.upperBound), e.g. 2025 for R7年度"
    /// The dates whose 年度 is supported: "from 2000-04-01 to 2101-03-31".
    public static let supportedDatesDescription =
        "from \(FiscalYear(supportedYears.lowerBound).firstDay) to \(FiscalYear(supportedYears.upperBound).lastDay)"

    // Total for every year: 1 April and 31 March exist in each, so nothing is unwrapped.
    public var firstDay: LocalDate { LocalDate(existing: year, 4, 1) }
    public var lastDay: LocalDate { LocalDate(existing: year + 1, 3, 31) }
    public func contains(_ date: LocalDate) -> Bool { FiscalYear(containing: date) == self }

    /// The twelve month keys `YYYY-MM`, April first.
    public var monthKeys: [String] {
        (0..<12).map { i in
            let m = (3 + i) % 12 + 1
            return "\((m >= 4 ? year : year + 1).zeroPadded(4))-\(m.zeroPadded(2))"
        }
    }

    /// Whole months of the year that have begun by `date` (1 in April … 12 in March; 0 before, 12 after).
    public func monthsElapsed(asOf date: LocalDate) -> Int {
        if date < firstDay { return 0 }
        if date > lastDay { return 12 }
        return (date.year - year) * 12 + date.month - 4 + 1
    }

    /// 和暦 label of the fiscal year: "R7", "H30", and "H31・R1" for FY2019, in which 令和 began on 1 May.
    public var warekiLabel: String { Wareki.fiscalYearLabel(year) }

    /// "FY2025 (R7年度)".
    public var label: String { "FY\(year) (\(warekiLabel)年度)" }
    public var description: String { "FY\(year)" }

    public static func < (a: FiscalYear, b: FiscalYear) -> Bool { a.year < b.year }

    public init(from decoder: any Decoder) throws {
        self.year = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(year)
    }
}

/// 和暦 — era-based year labels. 平成 year = Gregorian − 1988; 令和 year = Gregorian − 2018, from 2019-05-01.
public enum Wareki {
    public struct Era: Sendable, Hashable {
        public let kanji: String
        public let letter: String
        public let firstDay: LocalDate
        public let offset: Int
    }

    public static let heisei = Era(kanji: "平成", letter: "H", firstDay: LocalDate(year: 1989, month: 1, day: 8)!, offset: 1988)
    public static let reiwa = Era(kanji: "令和", letter: "R", firstDay: LocalDate(year: 2019, month: 5, day: 1)!, offset: 2018)

    /// The era of a date (平成 or 令和; dates before 平成 are not supported and fall into 平成's arithmetic).
    public static func era(of date: LocalDate) -> Era { date >= reiwa.firstDay ? reiwa : heisei }

    /// "令和7年4月1日"; year 1 is written 元年.
    public static func dateLabel(_ date: LocalDate) -> String {
        let era = era(of: date)
        let y = date.year - era.offset
        return "\(era.kanji)\(y == 1 ? "元" : String(y))年\(date.month)月\(date.day)日"
    }

    /// The short label of a fiscal year: "H30", "H31・R1", "R7".
    public static func fiscalYearLabel(_ year: Int) -> String {
        let first = era(of: FiscalYear(year).firstDay)
        let last = era(of: FiscalYear(year).lastDay)
        let start = "\(first.letter)\(year - first.offset)"
        return first == last ? start : "\(start)・\(last.letter)\(year - last.offset)"
    }

    /// The long label of a fiscal year: "令和7年度", "平成31年度・令和元年度".
    public static func fiscalYearKanji(_ year: Int) -> String {
        let first = era(of: FiscalYear(year).firstDay)
        let last = era(of: FiscalYear(year).lastDay)
        func name(_ era: Era) -> String {
            let y = year - era.offset
            return "\(era.kanji)\(y == 1 ? "元" : String(y))年度"
        }
        return first == last ? name(first) : "\(name(first))・\(name(last))"
    }
}
