import Foundation
import MimamoriShared

/// Who is looking: the whole city (a coordinator) or an office's 校区.
public enum DashboardScope: Sendable, Hashable {
    case city
    case districts(Set<String>)

    var districts: Set<String>? {
        if case let .districts(d) = self { return d }
        return nil
    }
}

/// Builds a `DashboardPage` from counters only (this 年度, the one before, and per-年度 sums), so its cost
/// depends on the number of counters — months × 校区 × codes — never on the number of visits.
struct DashboardPageBuilder {
    let scope: DashboardScope
    let fiscalYear: FiscalYear
    let asOf: LocalDate
    let signedInAs: String
    /// Counters of `fiscalYear` and the year before, in `scope`.
    let counters: [CounterKey: Int]
    /// Visits per 年度 and kind, in `scope`.
    let yearly: [Int: [VisitKind: Int]]
    /// The month of the office's 民生委員 activity record (`YYYY-MM`).
    var reportMonth: String?
    /// Outreach plan events and 日常生活自立支援事業 figures of the 年度.
    var programs = ProgramFigures(planEvents: [:], nichijiCheckins: 0, nichijiHolders: 0)
    /// The office's laptop and conflict tables, made by `OfficeTables`.
    var officeTables: [DataTable] = []

    static let firstSelectableYear = 2018

    /// For an office, the city's target scaled by its share of the 46 校区; for the city, the plan's.
    var targetShare: Double {
        guard let districts = scope.districts else { return 1 }
        return Double(districts.count) / Double(KurumeDistricts.all.count)
    }

    func scaled(_ n: Int?) -> Int? { n.map { Int((Double($0) * targetShare).rounded()) } }

    func build() -> DashboardPage {
        let report = TotalsReport.make(fiscalYear: fiscalYear, asOf: asOf, counters: counters, language: .japanese)
        let isOffice = scope.districts != nil
        let fy = fiscalYear.year

        let cards = zip(IndicatorDefinition.all, report.indicators).map { def, total in card(def, total) }

        let monthLabels = fiscalYear.monthKeys.map { JapaneseFormat.month($0) }
        let lastYearKeys = FiscalYear(fy - 1).monthKeys
        func monthly(_ year: Int, _ keys: [String], _ def: IndicatorDefinition) -> [Int] {
            keys.map { key in
                counters.filter { $0.key.fiscalYear == year && $0.key.dimension == .month && $0.key.key == key && def.counts($0.key.kind) }
                    .values.reduce(0, +)
            }
        }
        let officialThis = monthly(fy, fiscalYear.monthKeys, .official)
        let officialLast = monthly(fy - 1, lastYearKeys, .official)
        let broadThis = monthly(fy, fiscalYear.monthKeys, .broad)
        let broadLast = monthly(fy - 1, lastYearKeys, .broad)
        let official = cards[0]

        let cumulative = ChartBuilder(id: "cumulative", title: "累計件数と按分目標（見守り訪問活動件数・ふれあいの会）").cumulative(
            monthLabels: monthLabels, thisYear: officialThis, lastYear: officialLast, monthsElapsed: report.monthsElapsed,
            annualTarget: official.annualTarget,
            summary: "\(JapaneseFormat.fiscalYear(fy))の累計は\(official.countText)、按分目標は\(official.proratedTargetText)、前年度同期は\(official.lastYearSamePeriodText)です。")
        let monthlyChart = ChartBuilder(id: "monthly", title: "月別件数（ふれあいの会）：今年度と前年度").pairedBars(
            categories: monthLabels, first: officialThis, second: officialLast,
            firstLabel: JapaneseFormat.fiscalYear(fy), secondLabel: JapaneseFormat.fiscalYear(fy - 1),
            summary: "月別の件数。" + zip(monthLabels, officialThis).prefix(report.monthsElapsed).map { "\($0) \(JapaneseFormat.count($1))" }.joined(separator: "、"))

        // The trend: from the baseline 年度 to the later of this 年度 and the target 年度.
        let lastTrendYear = max(fy, IndicatorDefinition.official.targetYear, yearly.keys.max() ?? 0)
        let firstTrendYear = min(IndicatorDefinition.official.baselineYear, yearly.keys.min() ?? Int.max)
        let trendYears = Array(firstTrendYear...lastTrendYear)
        func yearTotal(_ year: Int, _ def: IndicatorDefinition) -> Int {
            (yearly[year] ?? [:]).filter { def.counts($0.key) }.values.reduce(0, +)
        }
        /// The baseline 年度 shows the plan's figure when nothing was recorded in it.
        func officialOf(_ year: Int) -> Int {
            let n = yearTotal(year, .official)
            if n == 0, year == IndicatorDefinition.official.baselineYear, let b = IndicatorDefinition.official.baseline { return scaled(b) ?? b }
            return n
        }
        let trendTargets = trendYears.map { scaled(IndicatorDefinition.official.annualTarget(FiscalYear($0))) }
        let trendChart = ChartBuilder(id: "trend", title: "年度別の推移：基準値（平成30年度）から目標（令和7年度）へ").pairedBars(
            categories: trendYears.map { Wareki.fiscalYearLabel($0) }, first: trendYears.map(officialOf),
            second: trendYears.map { yearTotal($0, .broad) }, firstLabel: "ふれあいの会", secondLabel: "全見守り訪問",
            targets: trendTargets, targetLabel: "年間目標",
            summary: "年度別の件数。" + trendYears.map { "\(Wareki.fiscalYearLabel($0)) \(JapaneseFormat.count(officialOf($0)))" }.joined(separator: "、"))

        var tables: [DataTable] = []
        let q = "?fy=\(fy)"
        tables.append(DataTable(
            id: "indicators", title: "見守り訪問活動件数", csvPath: "/csv/indicators.csv\(q)",
            headers: ["指標", "件数", "年間目標", "按分目標", "進捗率（按分目標比）", "年間目標比", "前年度同期", "前年度同期比", "基準値（平成30年度）"],
            rows: cards.map { c in
                TableRow([.text(c.name), .count(c.count), .optionalCount(c.annualTarget), .optionalCount(c.proratedTarget),
                          .percent(c.progressText), .percent(c.annualProgressText), .count(c.lastYearSamePeriod),
                          .percent(c.versusLastYearText), .optionalCount(c.baseline)])
            }, note: targetNote))
        tables.append(DataTable(
            id: "months", title: "月別件数", csvPath: "/csv/months.csv\(q)",
            headers: ["月", "ふれあいの会（今年度）", "ふれあいの会（前年度）", "全見守り訪問（今年度）", "全見守り訪問（前年度）", "全訪問（今年度）"],
            rows: fiscalYear.monthKeys.enumerated().map { i, key in
                let all = report.byMonth.first { $0.key == key }?.all ?? 0
                return TableRow([.text(JapaneseFormat.month(key, withYear: true)), .count(officialThis[i]), .count(officialLast[i]),
                                 .count(broadThis[i]), .count(broadLast[i]), .count(all)])
            }, note: nil))
        tables.append(DataTable(
            id: "years", title: "年度別の推移", csvPath: "/csv/years.csv\(q)",
            headers: ["年度", "和暦", "ふれあいの会", "全見守り訪問", "年間目標", "目標比"],
            rows: trendYears.enumerated().map { i, year in
                let n = officialOf(year)
                return TableRow([.text("\(year)年度"), .text(Wareki.fiscalYearKanji(year)), .count(n), .count(yearTotal(year, .broad)),
                                 .optionalCount(trendTargets[i]), .percent(JapaneseFormat.percent(n, of: trendTargets[i]))])
            }, note: "平成30年度は計画の基準値（\(JapaneseFormat.count(IndicatorDefinition.official.baseline ?? 0))）です（記録がない場合）。"))

        let plans = programs.totals
        let created = plans.plansCreated ?? 0
        let target = plans.planAnnualTarget
        tables.append(DataTable(
            id: "programs", title: "アウトリーチ等を通じた継続的支援事業・日常生活自立支援事業", csvPath: "/csv/programs.csv\(q)",
            headers: ["項目", "件数", "目標・備考"],
            rows: [
                TableRow([.text("アウトリーチ：プラン作成（再プランを含む）"), .count(created),
                          .text(isOffice ? "—" : "年間目標 \(JapaneseFormat.count(target))（達成率 \(JapaneseFormat.percent(created, of: target))）")]),
                TableRow([.text("　うち再プラン"), .count(plans.replans ?? 0), .text("—")]),
                TableRow([.text("アウトリーチ：終結"), .count(plans.plansClosed ?? 0), .text("—")]),
                TableRow([.text("日常生活自立支援事業：定期訪問件数"), .count(programs.nichijiCheckins), .text("—")]),
                TableRow([.text("日常生活自立支援事業：訪問した契約者数（実人数）"), .count(programs.nichijiHolders),
                          .text("同じ契約者は年度内で1人と数えます")]),
            ],
            note: "アウトリーチ訪問に記録されたプランの作成・再プラン・終結と、日常生活自立支援事業の定期訪問から数えています。"))

        let districtRows = districtTableRows(report.byDistrict)
        tables.append(DataTable(
            id: "districts", title: isOffice ? "校区別件数" : "校区別件数（全46校区）", csvPath: "/csv/districts.csv\(q)",
            headers: ["校区", "校区ID", "ふれあいの会", "全見守り訪問", "全訪問"], rows: districtRows, note: nil))
        tables.append(breakdown("kinds", "訪問の種類別件数", "訪問の種類", report.byKind, q))
        tables.append(breakdown("methods", "接触方法別件数", "接触方法", report.byMethod, q))
        tables.append(breakdown("outcomes", "結果別件数", "結果", report.byOutcome, q))

        let options = (Self.firstSelectableYear...max(FiscalYear(containing: asOf).year, fy, yearly.keys.max() ?? 0)).reversed().map {
            FiscalYearOption(year: $0, label: JapaneseFormat.fiscalYearWithGregorian($0), selected: $0 == fy)
        }
        let districtNames = (scope.districts ?? []).sorted { (order($0), $0) < (order($1), $1) }
            .map { DistrictName(id: $0, name: KurumeDistricts.label($0)) }
        return DashboardPage(
            role: isOffice ? "office" : "coordinator",
            title: isOffice ? "地区事務所の報告" : "生活支援コーディネーターのダッシュボード",
            signedInAs: signedInAs, fiscalYear: fy, fiscalYearLabel: JapaneseFormat.fiscalYear(fy),
            fiscalYearLongLabel: JapaneseFormat.fiscalYearWithGregorian(fy), fiscalYearOptions: options,
            asOf: asOf, asOfLabel: JapaneseFormat.date(asOf), monthsElapsed: report.monthsElapsed,
            districts: districtNames, targetNote: targetNote, indicators: cards, cumulativeChart: cumulative,
            monthlyChart: monthlyChart, trendChart: trendChart, tables: tables, officeTables: officeTables, reportMonth: reportMonth, isOffice: isOffice)
    }

    var targetNote: String {
        let base = "年間目標は計画の基準値（平成30年度 226,650件）から目標（令和7年度 296,000件）への直線、按分目標は年間目標×経過月数÷12です。"
        guard let districts = scope.districts else { return base }
        return base + "この頁の目標は市全体の目標を校区数で按分した目安です（\(districts.count)校区÷46校区）。"
    }

    private func order(_ id: String) -> Int { KurumeDistricts.ids.firstIndex(of: id) ?? Int.max }

    private func card(_ def: IndicatorDefinition, _ t: IndicatorTotal) -> IndicatorCard {
        let annual = scaled(t.annualTarget)
        let prorated = scaled(t.proratedTarget)
        let baseline = scaled(t.baseline)
        let progress = prorated.flatMap { $0 > 0 ? min(100, t.count * 100 / $0) : nil } ?? 0
        return IndicatorCard(
            id: t.id, name: t.name, count: t.count, countText: JapaneseFormat.count(t.count),
            annualTarget: annual, annualTargetText: annual.map(JapaneseFormat.count) ?? "設定なし",
            proratedTarget: prorated, proratedTargetText: prorated.map(JapaneseFormat.count) ?? "設定なし",
            progressText: JapaneseFormat.percent(t.count, of: prorated),
            annualProgressText: JapaneseFormat.percent(t.count, of: annual),
            lastYearSamePeriod: t.lastYearSamePeriod, lastYearSamePeriodText: JapaneseFormat.count(t.lastYearSamePeriod),
            versusLastYearText: JapaneseFormat.percent(t.count, of: t.lastYearSamePeriod),
            baseline: baseline, baselineText: baseline.map(JapaneseFormat.count) ?? "設定なし",
            baselineLabel: Wareki.fiscalYearKanji(t.baselineYear), progressBar: progress)
    }

    private func districtTableRows(_ rows: [BreakdownRow]) -> [TableRow] {
        let byKey = Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let listed = scope.districts.map { d in d.sorted { (order($0), $0) < (order($1), $1) } } ?? KurumeDistricts.ids
        let extra = rows.map(\.key).filter { !listed.contains($0) }.sorted()
        return (listed + extra).map { id in
            let r = byKey[id]
            return TableRow([.text(KurumeDistricts.label(id)), .text(id), .count(r?.official ?? 0), .count(r?.broad ?? 0), .count(r?.all ?? 0)])
        }
    }

    private func breakdown(_ id: String, _ title: String, _ header: String, _ rows: [BreakdownRow], _ q: String) -> DataTable {
        DataTable(id: id, title: title, csvPath: "/csv/\(id).csv\(q)",
                  headers: [header, "コード", "全訪問", "ふれあいの会", "全見守り訪問"],
                  rows: rows.map { TableRow([.text($0.label), .text($0.key), .count($0.all), .count($0.official), .count($0.broad)]) },
                  note: nil)
    }
}
