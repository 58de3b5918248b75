import Foundation

/// One indicator's figures for a 年度.
public struct IndicatorTotal: Codable, Sendable, Hashable {
    public let id: String
    public let name: String
    public let kinds: [VisitKind]
    public let count: Int
    /// The annual target (the plan's, or interpolated between baseline and target year), if any.
    public let annualTarget: Int?
    /// The annual target × months elapsed / 12.
    public let proratedTarget: Int?
    /// The same months of the previous 年度.
    public let lastYearSamePeriod: Int
    public let baseline: Int?
    public let baselineYear: Int
}

/// One row of a breakdown: all visits, and those counting toward each indicator.
public struct BreakdownRow: Codable, Sendable, Hashable {
    public let key: String
    public let label: String
    public let all: Int
    public let official: Int
    public let broad: Int
}

/// The totals report for one 年度: the same shape from the server (`GET /v1/totals`) and from local counts.
public struct TotalsReport: Codable, Sendable, Hashable {
    public let fiscalYear: Int
    /// "FY2025 (R7年度)".
    public let label: String
    /// "令和7年度".
    public let wareki: String
    public let asOf: LocalDate
    public let monthsElapsed: Int
    public let indicators: [IndicatorTotal]
    public let byMonth: [BreakdownRow]
    public let byDistrict: [BreakdownRow]
    public let byKind: [BreakdownRow]
    public let byMethod: [BreakdownRow]
    public let byOutcome: [BreakdownRow]
    /// Outreach plans and 日常生活自立支援事業 of the 年度 (issue 9). Optional on the wire: an older server leaves
    /// it out (nil here), an older laptop ignores it.
    public var programs: ProgramTotals? = nil

    /// Builds the report from counters of `fiscalYear` and the year before (for the same-period comparison).
    /// Cost depends on the number of counters (months × districts × codes), never on the number of visits.
    public static func make(fiscalYear fy: FiscalYear, asOf: LocalDate, counters: [CounterKey: Int],
                            language: Language = .japanese) -> TotalsReport {
        let elapsed = fy.monthsElapsed(asOf: asOf)
        let thisYear = counters.filter { $0.key.fiscalYear == fy.year }
        let lastYearMonths = Set(FiscalYear(fy.year - 1).monthKeys.prefix(elapsed))
        let lastYear = counters.filter {
            $0.key.fiscalYear == fy.year - 1 && $0.key.dimension == .month && lastYearMonths.contains($0.key.key)
        }

        func sum(_ cs: [CounterKey: Int], _ dim: CounterDimension, where kinds: ((VisitKind) -> Bool)? = nil) -> Int {
            cs.filter { $0.key.dimension == dim && (kinds?($0.key.kind) ?? true) }.values.reduce(0, +)
        }

        let indicators = IndicatorDefinition.all.map { def -> IndicatorTotal in
            let target = def.annualTarget(fy)
            return IndicatorTotal(
                id: def.id, name: language == .japanese ? def.japaneseName : def.englishName, kinds: def.kinds,
                count: sum(thisYear, .month, where: def.counts),
                annualTarget: target,
                proratedTarget: target.map { Int((Double($0) * Double(elapsed) / 12).rounded()) },
                lastYearSamePeriod: sum(lastYear, .month, where: def.counts),
                baseline: def.baseline, baselineYear: def.baselineYear)
        }

        /// With a code list (`reportKey`), codes this build does not know are counted under one `unknown` row.
        func rows(_ dim: CounterDimension, keys fixed: [String] = [], reportKey: (String) -> String = { $0 },
                  label: (String) -> String) -> [BreakdownRow] {
            let cs = thisYear.filter { $0.key.dimension == dim }
            var byKey: [String: (all: Int, official: Int, broad: Int)] = [:]
            for k in fixed { byKey[k] = (0, 0, 0) }
            for (k, n) in cs {
                let key = reportKey(k.key)
                var row = byKey[key] ?? (0, 0, 0)
                row.all += n
                if IndicatorDefinition.official.counts(k.kind) { row.official += n }
                if IndicatorDefinition.broad.counts(k.kind) { row.broad += n }
                byKey[key] = row
            }
            let order = fixed.isEmpty ? byKey.keys.sorted() : fixed + byKey.keys.filter { !fixed.contains($0) }.sorted()
            return order.map { k in
                let r = byKey[k]!
                return BreakdownRow(key: k, label: label(k), all: r.all, official: r.official, broad: r.broad)
            }
        }

        var byKindCounts: [VisitKind: Int] = [:]
        for (k, n) in thisYear where k.dimension == .month { byKindCounts[VisitKind(rawValue: k.kind.reportKey), default: 0] += n }
        let kinds = Set(VisitKind.known).union(byKindCounts.keys).sorted()
        let byKind = kinds.map { kind in
            let n = byKindCounts[kind] ?? 0
            return BreakdownRow(key: kind.rawValue, label: kind.isKnown ? kind.label(language) : TotalsReport.unknownLabel(language),
                                all: n, official: IndicatorDefinition.official.counts(kind) ? n : 0,
                                broad: IndicatorDefinition.broad.counts(kind) ? n : 0)
        }
        func known<C: CodeList>(_: C.Type) -> (String) -> String { { C(rawValue: $0).reportKey } }
        func label<C: CodeList>(_: C.Type) -> (String) -> String {
            { $0 == CodeID.unknownRow && !C(rawValue: $0).isKnown ? TotalsReport.unknownLabel(language) : C(rawValue: $0).label(language) }
        }

        return TotalsReport(
            fiscalYear: fy.year, label: fy.label, wareki: Wareki.fiscalYearKanji(fy.year), asOf: asOf,
            monthsElapsed: elapsed, indicators: indicators,
            byMonth: rows(.month, keys: fy.monthKeys) { $0 },
            byDistrict: rows(.district) { $0 },
            byKind: byKind,
            byMethod: rows(.method, keys: ContactMethod.knownIDs, reportKey: known(ContactMethod.self), label: label(ContactMethod.self)),
            byOutcome: rows(.outcome, keys: Outcome.knownIDs, reportKey: known(Outcome.self), label: label(Outcome.self)))
    }

    /// The label of the row that counts codes this build does not know (a newer client's).
    static func unknownLabel(_ language: Language) -> String {
        language == .japanese ? "不明なコード" : "unknown code"
    }
}
