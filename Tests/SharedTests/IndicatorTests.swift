import Testing
@testable import MimamoriShared

@Suite("見守り訪問活動件数")
struct IndicatorTests {
    func version(_ kind: VisitKind, date: String = "2025-06-01", deleted: Bool = false, counter: UInt64 = 1,
                 district: String = "nishi") -> Version {
        let v = Visit(id: "d1", kind: kind, date: LocalDate(date)!, visitorId: "v", visitorRole: .fureaiMember,
                      subjectId: "S-1", district: district)
        return Version(payload: .visit(v), deleted: deleted, vector: VersionVector(["A": counter]),
                       dot: Dot(replica: "A", counter: counter), author: "v", writtenAt: Timestamp(milliseconds: 0))
    }

    @Test func definitionsMatchThePlan() {
        #expect(IndicatorDefinition.official.kinds == [.fureaiWatch])
        #expect(IndicatorDefinition.official.baseline == 226_650)
        #expect(IndicatorDefinition.official.annualTarget(FiscalYear(2025)) == 296_000)
        #expect(IndicatorDefinition.official.annualTarget(FiscalYear(2018)) == nil)
        #expect(IndicatorDefinition.broad.kinds == [.fureaiWatch, .minseiWatch, .kyoryokuinWatch])
    }

    @Test func aNewVisitCountsOnceInEveryDimensionOfItsFiscalYear() {
        let d = IndicatorCounting.deltas(before: nil, after: version(.fureaiWatch, date: "2026-03-31"))
        #expect(d.count == 4)
        #expect(d.values.allSatisfy { $0 == 1 })
        #expect(d.keys.allSatisfy { $0.fiscalYear == 2025 && $0.kind == .fureaiWatch })
        #expect(d[CounterKey(fiscalYear: 2025, dimension: .month, key: "2026-03", kind: .fureaiWatch)] == 1)
    }

    @Test func deletingCountsZeroAndANoteEditChangesNothing() {
        let live = version(.fureaiWatch)
        #expect(IndicatorCounting.deltas(before: live, after: version(.fureaiWatch, deleted: true, counter: 2)).values.allSatisfy { $0 == -1 })
        #expect(IndicatorCounting.deltas(before: live, after: version(.fureaiWatch, counter: 2)).isEmpty)
    }

    @Test func changingKindMovesTheVisitBetweenCounts() {
        let d = IndicatorCounting.deltas(before: version(.fureaiWatch), after: version(.outreach, counter: 2))
        #expect(d.filter { $0.key.kind == .fureaiWatch }.values.allSatisfy { $0 == -1 })
        #expect(d.filter { $0.key.kind == .outreach }.values.allSatisfy { $0 == 1 })
    }

    @Test func reportShowsTargetProratedAndLastYear() {
        var counters: [CounterKey: Int] = [:]
        let visits = [version(.fureaiWatch, date: "2025-04-10"), version(.fureaiWatch, date: "2025-05-10"),
                      version(.minseiWatch, date: "2025-05-11", district: "higashi"), version(.outreach, date: "2025-05-12"),
                      version(.fureaiWatch, date: "2024-04-20"), version(.fureaiWatch, date: "2024-09-20")]
        for v in visits { IndicatorCounting.apply(IndicatorCounting.deltas(before: nil, after: v), to: &counters) }
        let r = TotalsReport.make(fiscalYear: FiscalYear(2025), asOf: LocalDate("2025-05-31")!, counters: counters)
        #expect(r.label == "FY2025 (R7年度)")
        #expect(r.monthsElapsed == 2)
        let official = r.indicators[0]
        #expect(official.count == 2)
        #expect(official.annualTarget == 296_000)
        #expect(official.proratedTarget == 49_333)
        #expect(official.lastYearSamePeriod == 1)
        #expect(r.indicators[1].count == 3)
        #expect(r.byMonth.count == 12)
        #expect(r.byMonth[1] == BreakdownRow(key: "2025-05", label: "2025-05", all: 3, official: 1, broad: 2))
        #expect(r.byDistrict.map(\.key) == ["higashi", "nishi"])
        #expect(r.byKind.first { $0.key == "outreach" }?.all == 1)
    }

    @Test("counters equal a full recount after random histories", arguments: Array<UInt64>(1...50))
    func countersMatchRecount(seed: UInt64) throws {
        let h = try History(seed: seed, replicaCount: 3, steps: 30)
        var counters: [CounterKey: Int] = [:]
        var set = VersionSet()
        var rng = SeededRandom(seed: seed)
        for v in h.versions.shuffled(using: &rng) {
            let before = set.display
            try set.apply(v)
            IndicatorCounting.apply(IndicatorCounting.deltas(before: before, after: set.display), to: &counters)
        }
        #expect(counters == IndicatorCounting.recount(displays: [set.display].compactMap { $0 }))
    }
}
