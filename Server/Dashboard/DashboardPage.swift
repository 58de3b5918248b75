import Foundation
import MimamoriShared

/// Everything one dashboard page shows, already in Japanese and formatted: the template only lays it out,
/// `GET /dashboard.json` returns it as it is, and each table is also a CSV. Counts only — no name, note or
/// visitor id is in it (the office's laptop list names tokens, which the office's administrator gave out).
public struct DashboardPage: Codable, Sendable, Hashable {
    /// "coordinator" or "office".
    public let role: String
    public let title: String
    public let signedInAs: String
    public let fiscalYear: Int
    /// "令和8年度".
    public let fiscalYearLabel: String
    /// "令和8年度（2026年度）".
    public let fiscalYearLongLabel: String
    public let fiscalYearOptions: [FiscalYearOption]
    public let asOf: LocalDate
    /// "令和8年11月24日".
    public let asOfLabel: String
    public let monthsElapsed: Int
    /// The office's 校区 (ids and names); empty for a coordinator (the whole city).
    public let districts: [DistrictName]
    /// A sentence saying what the targets on this page are.
    public let targetNote: String
    public let indicators: [IndicatorCard]
    public let cumulativeChart: SVGChart
    public let monthlyChart: SVGChart
    public let trendChart: SVGChart
    public let tables: [DataTable]
    /// The office's laptops and documents in conflict (empty for a coordinator).
    public let officeTables: [DataTable]
    /// The month of the office's 民生委員 activity record, `YYYY-MM` (nil for a coordinator).
    public let reportMonth: String?
    public let isOffice: Bool
}

public struct FiscalYearOption: Codable, Sendable, Hashable {
    public let year: Int
    public let label: String
    public let selected: Bool
}

public struct DistrictName: Codable, Sendable, Hashable {
    public let id: String
    public let name: String
}

/// One indicator's headline figures, as numbers and as text.
public struct IndicatorCard: Codable, Sendable, Hashable {
    public let id: String
    public let name: String
    public let count: Int
    public let countText: String
    public let annualTarget: Int?
    public let annualTargetText: String
    public let proratedTarget: Int?
    public let proratedTargetText: String
    /// Count ÷ pro-rated target.
    public let progressText: String
    /// Count ÷ annual target.
    public let annualProgressText: String
    public let lastYearSamePeriod: Int
    public let lastYearSamePeriodText: String
    /// Count ÷ same period last year.
    public let versusLastYearText: String
    public let baseline: Int?
    public let baselineText: String
    public let baselineLabel: String
    /// Progress bar width, 0–100 (count ÷ pro-rated target, capped).
    public let progressBar: Int
}

/// A table of the page; `GET /csv/{id}.csv` gives the same header and rows.
public struct DataTable: Codable, Sendable, Hashable {
    public let id: String
    public let title: String
    public let csvPath: String
    public let headers: [String]
    /// The headers again, each marked numeric when its column holds numbers (so it is aligned with them).
    public let columns: [TableColumn]
    public let rows: [TableRow]
    public let note: String?

    public init(id: String, title: String, csvPath: String, headers: [String], rows: [TableRow], note: String?) {
        self.id = id
        self.title = title
        self.csvPath = csvPath
        self.headers = headers
        self.columns = headers.enumerated().map { i, header in
            TableColumn(header: header, numeric: rows.first.map { i < $0.cells.count && $0.cells[i].numeric } ?? false)
        }
        self.rows = rows
        self.note = note
    }
}

public struct TableColumn: Codable, Sendable, Hashable {
    public let header: String
    public let numeric: Bool
}

public struct TableRow: Codable, Sendable, Hashable {
    public let cells: [TableCell]
    public init(_ cells: [TableCell]) { self.cells = cells }
}

/// One cell: what the page shows (`text`, e.g. "4,912") and what the CSV holds (`value`, e.g. "4912").
public struct TableCell: Codable, Sendable, Hashable {
    public let text: String
    public let value: String
    public let numeric: Bool

    public static func text(_ s: String) -> TableCell { TableCell(text: s, value: s, numeric: false) }
    public static func count(_ n: Int) -> TableCell { TableCell(text: JapaneseFormat.number(n), value: String(n), numeric: true) }
    public static func optionalCount(_ n: Int?) -> TableCell { n.map(count) ?? TableCell(text: "—", value: "", numeric: true) }
    public static func percent(_ s: String) -> TableCell { TableCell(text: s, value: s == "—" ? "" : s, numeric: true) }
}
