import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("Totals and counters")
struct TotalsTests {
    @Test("totals count each live visit once in the 年度 of its date, with target, pro-rated target and last year", arguments: StoreKind.available)
    func totals(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            var versions = [
                Fixture.create(Fixture.visit("v1", date: "2025-04-10"), replica: a, counter: 1),
                Fixture.create(Fixture.visit("v2", date: "2025-05-10", method: .phone), replica: a, counter: 2),
                Fixture.create(Fixture.visit("v3", kind: .minseiWatch, date: "2025-06-10"), replica: a, counter: 3),
                Fixture.create(Fixture.visit("v4", kind: .outreach, date: "2025-06-11"), replica: a, counter: 4),
                // FY2024 (2025-03-31), April–October of FY2024 for the same-period comparison:
                Fixture.create(Fixture.visit("v5", date: "2025-03-31"), replica: a, counter: 5),
                Fixture.create(Fixture.visit("v6", date: "2024-05-01"), replica: a, counter: 6),
                // Deleted: counts zero.
                Fixture.create(Fixture.visit("v7", date: "2025-07-01"), replica: a, counter: 7, deleted: true),
            ]
            // A visit in conflict counts once.
            let officeNishi = try await fx.store.issueToken(role: .office, name: "Nishi office", districts: ["nishi"])
            _ = try await client.pushOK(versions, replica: a, token: fx.visitor)
            let b = try Fixture.edit([versions[0]], Fixture.visit("v1", date: "2025-04-10", note: "b"), replica: "replica-b", counter: 1)
            let c = try Fixture.edit([versions[0]], Fixture.visit("v1", date: "2025-04-10", note: "a"), replica: a, counter: 8)
            #expect(try await client.pushOK([b], replica: "replica-b", token: officeNishi).map(\.outcome) == [.new])
            #expect(try await client.pushOK([c], replica: a, token: fx.visitor).map(\.outcome) == [.conflict])
            versions.append(contentsOf: [b, c])

            let response = try await client.send(.get, API.totalsPath + "?fy=2025&asOf=2025-09-30", token: fx.coordinator.secret)
            #expect(response.status == .ok)
            let report = try response.decode(TotalsReport.self)
            let official = try #require(report.indicators.first { $0.id == IndicatorDefinition.official.id })
            let broad = try #require(report.indicators.first { $0.id == IndicatorDefinition.broad.id })
            #expect(official.count == 2)
            #expect(broad.count == 3)
            #expect(official.annualTarget == 296_000)
            #expect(official.proratedTarget == 148_000)  // 6 of 12 months by 2025-09-30
            #expect(official.lastYearSamePeriod == 1)    // v6 (May 2024); v5 is March, outside April–September
            #expect(report.byMethod.first { $0.key == "phone" }?.official == 1)
            #expect(report.byDistrict.map(\.key) == ["nishi"])
            #expect(report.byDistrict.first?.all == 4)
            #expect(!response.text.contains("v-yamada"))  // counts only: no names, no visitor ids, no notes

            #expect(try await fx.store.counters(fiscalYears: [2024, 2025]) == (try await fx.store.recount()))
        }
    }

    @Test("totals carry the outreach plans and 日常生活自立支援事業 of the 年度, equal to a recount of the documents", arguments: StoreKind.available)
    func programs(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            func outreach(_ id: String, _ event: PlanEvent?, date: String = "2025-06-01") -> DocumentPayload {
                guard case var .visit(v) = Fixture.visit(id, kind: .outreach, date: date) else { return Fixture.visit(id) }
                v.planEvent = event
                return .visit(v)
            }
            func checkin(_ id: String, holder: String, date: String = "2025-06-01") -> DocumentPayload {
                guard case var .visit(v) = Fixture.visit(id, kind: .nichijiCheckin, date: date) else { return Fixture.visit(id) }
                v.subjectId = holder
                return .visit(v)
            }
            var versions = [
                Fixture.create(outreach("o1", .created), replica: a, counter: 1),
                Fixture.create(outreach("o2", .created), replica: a, counter: 2),
                Fixture.create(outreach("o3", .replanned), replica: a, counter: 3),
                Fixture.create(outreach("o4", .closed), replica: a, counter: 4),
                Fixture.create(outreach("o5", nil), replica: a, counter: 5),
                Fixture.create(outreach("o6", .created, date: "2025-03-31"), replica: a, counter: 6),  // FY2024
                Fixture.create(outreach("o7", .created), replica: a, counter: 7, deleted: true),      // deleted: nothing
                Fixture.create(checkin("n1", holder: "S-1"), replica: a, counter: 8),
                Fixture.create(checkin("n2", holder: "S-1", date: "2025-07-01"), replica: a, counter: 9),
                Fixture.create(checkin("n3", holder: "S-2"), replica: a, counter: 10),
                Fixture.create(checkin("n4", holder: "S-3", date: "2024-06-01"), replica: a, counter: 11),  // FY2024
            ]
            _ = try await client.pushOK(versions, replica: a, token: fx.visitor)
            // An edit turns a plan made into one closed; a conflict counts once, by its display version.
            let edit = try Fixture.edit([versions[1]], outreach("o2", .closed), replica: a, counter: 12)
            let other = try Fixture.edit([versions[0]], outreach("o1", .created), replica: "replica-b", counter: 1)
            let mine = try Fixture.edit([versions[0]], outreach("o1", .created, date: "2025-06-02"), replica: a, counter: 13)
            _ = try await client.pushOK([edit], replica: a, token: fx.visitor)
            let office = try await fx.store.issueToken(role: .office, name: "Nishi office", districts: ["nishi"])
            _ = try await client.pushOK([other], replica: "replica-b", token: office)
            #expect(try await client.pushOK([mine], replica: a, token: fx.visitor).map(\.outcome) == [.conflict])
            versions += [edit, other, mine]

            let response = try await client.send(.get, API.totalsPath + "?fy=2025&asOf=2025-09-30", token: fx.coordinator.secret)
            #expect(response.status == .ok)
            let programs = try #require(try response.decode(TotalsReport.self).programs)
            #expect(programs == ProgramTotals(planEvents: ["created": 1, "replanned": 1, "closed": 2], nichijiCheckins: 3, nichijiHolders: 2))
            #expect(programs.plansCreated == 2)
            #expect(programs.replans == 1)
            #expect(programs.planAnnualTarget == 30)
            #expect(!response.text.contains("S-1"))  // counts only, no subject ids

            let displays = try await fx.store.allDocuments().values.compactMap { try VersionSet($0).display }
            #expect(programs == ProgramCounting.recount(fiscalYear: 2025, displays: displays))
            let lastYear = try await client.send(.get, API.totalsPath + "?fy=2024&asOf=2025-09-30", token: fx.coordinator.secret)
            #expect(try lastYear.decode(TotalsReport.self).programs == ProgramCounting.recount(fiscalYear: 2024, displays: displays))
        }
    }

    @Test("a code the server does not know is counted under 'unknown', never echoed; free text is no code at all", arguments: StoreKind.available)
    func unknownCodes(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let newer = Fixture.create(Fixture.visit("v1", kind: "newer_watch", method: "video_call", outcome: "newer_outcome"),
                                       replica: a, counter: 1)
            let typed = Fixture.create(Fixture.visit("v2", outcome: "佐藤一郎_認知症の疑い"), replica: a, counter: 2)
            let results = try await client.pushOK([newer, typed], replica: a, token: fx.visitor)
            #expect(results.map(\.outcome) == [.new, .rejected])
            #expect(results[1].message?.contains("outcome") == true)

            let response = try await client.send(.get, API.totalsPath + "?fy=2025&asOf=2025-09-30&lang=en", token: fx.coordinator.secret)
            #expect(response.status == .ok)
            for code in ["newer_watch", "video_call", "newer_outcome", "佐藤"] {
                #expect(!response.text.contains(code), "the report echoes \(code)")
            }
            let report = try response.decode(TotalsReport.self)
            #expect(report.byKind.first { $0.key == "unknown" }?.all == 1)
            #expect(report.byMethod.first { $0.key == "unknown" }?.all == 1)
            #expect(report.byOutcome.first { $0.key == "unknown" }?.all == 1)
            #expect(report.byOutcome.first { $0.key == "unknown" }?.label == "unknown code")
            #expect(report.byMonth.map(\.all).reduce(0, +) == 1)
        }
    }

    @Test("asOf and fy outside the supported 年度 are a 400 naming the parameter and range; the server goes on",
          arguments: ["asOf=9999-12-31", "asOf=0001-01-16", "asOf=2101-04-01", "fy=2101", "fy=1999", "fy=-9223372036854775808"])
    func outOfRange(query: String) async throws {
        try await ServerFixture.run { fx, client in
            let response = try await client.send(.get, API.totalsPath + "?" + query, token: fx.coordinator.secret)
            #expect(response.status == .badRequest)
            let message = try response.error().message
            #expect(message.hasPrefix(String(query.prefix { $0 != "=" }) + ":"))
            #expect(message.contains("2100") || message.contains("2101-03-31"))
            #expect(try await client.send(.get, API.totalsPath + "?asOf=2101-03-31", token: fx.coordinator.secret).status == .ok)
        }
    }

    @Test("changing a visit's kind moves it between counts; deleting it removes it", arguments: StoreKind.available)
    func kindChangeAndDelete(store: StoreKind) async throws {
        try await ServerFixture.run(store) { fx, client in
            let a = "replica-a"
            let v1 = Fixture.create(Fixture.visit("v1"), replica: a, counter: 1)
            _ = try await client.pushOK([v1], replica: a, token: fx.visitor)
            func official() async throws -> Int {
                let report = try await client.send(.get, API.totalsPath + "?fy=2025", token: fx.admin.secret).decode(TotalsReport.self)
                return report.indicators.first { $0.id == IndicatorDefinition.official.id }!.count
            }
            #expect(try await official() == 1)
            let v2 = try Fixture.edit([v1], Fixture.visit("v1", kind: .minseiWatch), replica: a, counter: 2)
            _ = try await client.pushOK([v2], replica: a, token: fx.visitor)
            #expect(try await official() == 0)
            let v3 = try Fixture.edit([v2], Fixture.visit("v1"), replica: a, counter: 3, deleted: true)
            _ = try await client.pushOK([v3], replica: a, token: fx.visitor)
            #expect(try await fx.store.counters(fiscalYears: [2025]).isEmpty)
            #expect(try await fx.store.recount().isEmpty)
        }
    }

    @Test("bad totals queries are refused naming the parameter", arguments: [
        ("?fy=abc", "fy"), ("?fy=1900", "fy"), ("?fy=2025&asOf=2025-13-01", "asOf"), ("?fy=2025&lang=fr", "lang"),
    ])
    func badQueries(query: String, parameter: String) async throws {
        try await ServerFixture.run { fx, client in
            let response = try await client.send(.get, API.totalsPath + query, token: fx.coordinator.secret)
            #expect(response.status == .badRequest)
            #expect(try response.error().message.hasPrefix(parameter + ":"))
        }
    }

    /// Several replicas write, edit, delete and change kinds of visits offline and sync through the server in
    /// random order, as SYNC.md describes; afterwards the counters kept push by push equal a full recount.
    @Test("counters equal a full recount after random histories", arguments: [UInt64(1), 2, 3, 4, 5])
    func countersMatchRecount(seed: UInt64) async throws {
        let store = try SQLiteSyncStore.inMemory()
        var rng = SeededRandom(seed: seed)
        let districts = ["nishi", "higashi"]
        let replicas = ["replica-0", "replica-1", "replica-2"]
        var callers: [String: Caller] = [:]
        for r in replicas {
            callers[r] = Caller(token: try await store.issueToken(role: .office, name: r, districts: districts).info)
        }
        var held: [String: [String: VersionSet]] = [:]
        var outbox: [String: [Version]] = [:]
        var counters: [String: UInt64] = [:]
        var cursors: [String: Int64] = [:]
        var documentCount = 0
        let kinds: [VisitKind] = [.fureaiWatch, .minseiWatch, .nichijiCheckin, .outreach]

        for step in 0..<300 {
            let r = replicas.randomElement(using: &rng)!
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:  // write: a new visit, or an edit or delete of one this replica holds
                counters[r, default: 0] += 1
                let existing = held[r, default: [:]].keys.sorted()
                let id: String
                if existing.isEmpty || Int.random(in: 0..<3, using: &rng) == 0 {
                    documentCount += 1
                    id = "visit-\(documentCount)"
                } else {
                    id = existing.randomElement(using: &rng)!
                }
                let month = Int.random(in: 1...12, using: &rng)
                // A document keeps its district: a move must build on every current version (MoveTests).
                let payload = Fixture.visit(id, district: districts[Int(id.dropFirst("visit-".count))! % districts.count],
                                            kind: kinds.randomElement(using: &rng)!,
                                            date: String(format: "%04d-%02d-15", month >= 4 ? 2024 : 2025, month),
                                            method: Bool.random(using: &rng) ? .homeVisit : .phone, note: "step \(step)")
                let set = held[r, default: [:]][id] ?? VersionSet()
                let version = set.write(payload, deleted: Int.random(in: 0..<6, using: &rng) == 0, replica: r,
                                        counter: counters[r]!, author: r, at: Timestamp(milliseconds: Int64(step)))
                var updated = set
                try updated.apply(version)
                held[r, default: [:]][id] = updated
                outbox[r, default: []].append(version)
            case 5..<8:  // push the outbox
                let request = PushRequest(batchId: "\(r)-\(step)", replicaId: r, versions: outbox[r, default: []])
                let reply = try await store.push(request, by: callers[r]!, today: ServerFixture.today)
                #expect(!reply.response.results.contains { $0.outcome == .rejected }, "\(reply.response.results)")
                outbox[r] = []
            default:  // pull everything new
                var more = true
                while more {
                    let page = try await store.changes(since: cursors[r, default: 0], limit: 7, districts: Set(districts))
                    for change in page.changes {
                        let incoming = try VersionSet(change.versions)
                        held[r, default: [:]][change.documentId] = try (held[r]?[change.documentId] ?? VersionSet()).merging(incoming)
                    }
                    cursors[r] = page.nextSince
                    more = page.hasMore
                }
            }
            if step % 50 == 49 {
                #expect(try await store.counters(fiscalYears: [2023, 2024, 2025]) == (try await store.recount()))
            }
        }
        let recount = try await store.recount()
        #expect(!recount.isEmpty)
        #expect(try await store.counters(fiscalYears: [2023, 2024, 2025]) == recount)
    }
}

