import Testing
@testable import MimamoriShared

@Suite("年度 and 和暦")
struct CalendarTests {
    @Test("31 March belongs to the previous 年度, 1 April starts the next", arguments: [
        ("2026-03-31", 2025), ("2026-04-01", 2026), ("2025-04-01", 2025), ("2025-01-15", 2024), ("2019-04-30", 2019),
    ])
    func fiscalYearEdges(date: String, expected: Int) {
        #expect(FiscalYear(containing: LocalDate(date)!).year == expected)
    }

    @Test func fiscalYearLabels() {
        #expect(FiscalYear(2018).warekiLabel == "H30")
        #expect(FiscalYear(2019).warekiLabel == "H31・R1")
        #expect(FiscalYear(2020).warekiLabel == "R2")
        #expect(FiscalYear(2025).warekiLabel == "R7")
        #expect(FiscalYear(2025).label == "FY2025 (R7年度)")
        #expect(Wareki.fiscalYearKanji(2019) == "平成31年度・令和元年度")
        #expect(Wareki.fiscalYearKanji(2025) == "令和7年度")
    }

    @Test func reiwaBeginsOnFirstMay2019() {
        #expect(Wareki.dateLabel(LocalDate("2019-04-30")!) == "平成31年4月30日")
        #expect(Wareki.dateLabel(LocalDate("2019-05-01")!) == "令和元年5月1日")
        #expect(Wareki.dateLabel(LocalDate("2026-03-31")!) == "令和8年3月31日")
    }

    @Test func fiscalYearSpanAndMonths() {
        let fy = FiscalYear(2025)
        #expect(fy.firstDay.description == "2025-04-01")
        #expect(fy.lastDay.description == "2026-03-31")
        #expect(fy.monthKeys.first == "2025-04")
        #expect(fy.monthKeys.last == "2026-03")
        #expect(fy.monthsElapsed(asOf: LocalDate("2025-03-31")!) == 0)
        #expect(fy.monthsElapsed(asOf: LocalDate("2025-04-01")!) == 1)
        #expect(fy.monthsElapsed(asOf: LocalDate("2025-11-23")!) == 8)
        #expect(fy.monthsElapsed(asOf: LocalDate("2026-03-31")!) == 12)
        #expect(fy.monthsElapsed(asOf: LocalDate("2027-01-01")!) == 12)
    }

    @Test("dates parse strictly", arguments: ["2025-02-29", "2025-13-01", "2025-4-1", "20250401", "2025-04-01x", "", "２０２５-04-01"])
    func badDatesAreRejected(text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func leapDayAndDayArithmetic() {
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2024-02-28")!.adding(days: 2).description == "2024-03-01")
        #expect(LocalDate("2025-03-31")!.days(until: LocalDate("2025-04-30")!) == 30)
        #expect(LocalDate(dayNumber: LocalDate("1999-12-31")!.dayNumber + 1).description == "2000-01-01")
    }

    @Test("a date is written YYYY-MM-DD and its month YYYY-MM, zero-padded, and read back the same",
          arguments: ["0001-01-01", "0999-09-09", "2025-04-07", "2024-12-31", "9999-12-31"])
    func datesAreWrittenZeroPadded(text: String) throws {
        let date = try #require(LocalDate(text))
        #expect(date.description == text)
        #expect(date.monthKey == String(text.prefix(7)))
        #expect(LocalDate(date.description) == date)
    }

    @Test func todayIsReckonedInJapanTime() {
        // 2025-03-31 15:30 UTC is already 1 April 00:30 in Japan: a new 年度.
        let instant = Timestamp(milliseconds: 1_743_435_000_000).date
        #expect(LocalDate.today(now: instant).description == "2025-04-01")
        #expect(FiscalYear(containing: LocalDate.today(now: instant)).year == 2025)
    }
}
