import Foundation
import MimamoriShared

/// How the dashboard writes numbers, percentages, dates and 年度 for a Japanese reader.
enum JapaneseFormat {
    /// 296000 → "296,000".
    static func number(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// 296000 → "296,000件".
    static func count(_ n: Int) -> String { number(n) + "件" }

    /// A share as a percentage with one decimal: "76.6%"; "—" when there is nothing to divide by.
    static func percent(_ part: Int, of whole: Int?) -> String {
        guard let whole, whole > 0 else { return "—" }
        let tenths = (Double(part) * 1000 / Double(whole)).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)%"
    }

    /// Signed change: "+1,234件" / "-56件" / "±0件".
    static func difference(_ n: Int) -> String {
        n == 0 ? "±0件" : (n > 0 ? "+" : "-") + count(abs(n))
    }

    /// "令和8年度" (and "平成31年度・令和元年度").
    static func fiscalYear(_ year: Int) -> String { Wareki.fiscalYearKanji(year) }

    /// "令和8年度（2026年度）".
    static func fiscalYearWithGregorian(_ year: Int) -> String { "\(Wareki.fiscalYearKanji(year))（\(year)年度）" }

    /// "2026-05" → "5月"; "2026年5月" with the year.
    static func month(_ key: String, withYear: Bool = false) -> String {
        let parts = key.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return key }
        return withYear ? "\(y)年\(m)月" : "\(m)月"
    }

    /// "令和8年11月24日".
    static func date(_ date: LocalDate) -> String { Wareki.dateLabel(date) }

    /// Japan-time "2026-11-24 10:02", or "未同期" when never.
    static func time(_ t: Timestamp?) -> String { t?.japanTimeDescription ?? "未同期" }
}
