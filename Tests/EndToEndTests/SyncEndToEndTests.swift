import Foundation
import MimamoriClient
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("Sync end to end: live server, several laptops", .serialized)
struct SyncEndToEndTests {
    @Test("three laptops working offline converge whatever the sync order",
          arguments: [[0, 1, 2], [2, 1, 0], [1, 2, 0]], StoreKind.available)
    func threeReplicasConverge(order: [Int], store: StoreKind) async throws {
        try await Cluster.run(replicas: 3, store: store, servers: store.servers) { c in
            // Given: one laptop registers the subjects, and everyone receives them.
            try c.addSubject(0, "S-1")
            try c.addSubject(0, "S-2")
            try await c.sync(0)
            for i in [1, 2] { try await c.sync(i) }

            // When: each laptop logs, edits and deletes offline, then they sync in the given order, twice over.
            var ids: [[String]] = [[], [], []]
            for i in 0..<3 {
                for k in 0..<4 {
                    ids[i].append(try c.log(i, subject: k % 2 == 0 ? "S-1" : "S-2",
                                            kind: k == 3 ? .minseiWatch : .fureaiWatch, date: "2025-0\(4 + k)-1\(i)"))
                }
            }
            _ = try c.replicas[1].editVisit(id: ids[1][0], VisitFields(note: "追記：元気そう"), today: LocalDate("2025-11-23")!)
            try c.replicas[2].deleteVisit(id: ids[2][1])
            try await c.syncAll(order: order)

            // And then they edit each other's visits, some concurrently, and sync again.
            _ = try c.replicas[0].editVisit(id: ids[1][0], VisitFields(outcome: .notAtHome), today: LocalDate("2025-11-23")!)
            _ = try c.replicas[2].editVisit(id: ids[1][0], VisitFields(note: "再訪予定"), today: LocalDate("2025-11-23")!)
            _ = try c.replicas[1].editVisit(id: ids[0][2], VisitFields(kind: .minseiWatch), today: LocalDate("2025-11-23")!)
            try await c.syncAll(order: order)

            // Then: identical documents and totals everywhere, equal to the server's counters.
            try await c.expectConverged()
            let visits = try c.replicas[0].visits(VisitFilter())
            #expect(visits.count == 11, "12 logged, 1 deleted")
            #expect(try c.replicas[0].conflicts().map(\.documentId) == [ids[1][0]])
            let totals = try c.replicas[0].localTotals(fiscalYear: FiscalYear(2025), asOf: LocalDate("2025-11-23")!)
            #expect(totals.indicators[0].count == 7, "fureai visits: 9 logged − 1 deleted − 1 changed to minsei")
            #expect(totals.indicators[1].count == 11)
        }
    }

    @Test("concurrent edits: every laptop sees the conflict; one resolves; all converge to one version", arguments: StoreKind.available)
    func concurrentEditResolved(store: StoreKind) async throws {
        try await Cluster.run(replicas: 3, store: store, servers: store.servers) { c in
            try c.addSubject(0, "S-1")
            let id = try c.log(0, subject: "S-1", note: "初回")
            try await c.syncAll()

            _ = try c.replicas[1].editVisit(id: id, VisitFields(note: "Aさんの追記"), today: LocalDate("2025-11-23")!)
            _ = try c.replicas[2].editVisit(id: id, VisitFields(concerns: ["isolation"]), today: LocalDate("2025-11-23")!)
            try await c.sync(1)
            let summary = try await c.sync(2)
            #expect(summary.newConflicts == 1)
            try await c.syncAll()
            for db in c.replicas {
                #expect(try db.conflicts().map(\.documentId) == [id])
                #expect(try db.document(id: id)?.current.count == 2)
            }
            // The office worker on laptop 0 keeps laptop 2's version.
            let keep = try #require(try c.replicas[0].document(id: id)?.current.firstIndex { $0.author == "visitor-2" })
            _ = try c.replicas[0].resolveConflict(id: id, keep: keep + 1)
            try await c.syncAll()
            try await c.expectConverged()
            for db in c.replicas {
                #expect(try db.conflicts().isEmpty)
                let current = try #require(try db.document(id: id)?.current)
                #expect(current.count == 1)
                #expect(current[0].payload.visit?.concerns == ["isolation"])
            }
        }
    }

    @Test("a delete concurrent with an edit is a conflict, not a silent win; the visit still counts once", arguments: StoreKind.available)
    func deleteVersusEdit(store: StoreKind) async throws {
        try await Cluster.run(replicas: 2, store: store, servers: store.servers) { c in
            try c.addSubject(0, "S-1")
            let id = try c.log(0, subject: "S-1")
            try await c.syncAll()
            try c.replicas[0].deleteVisit(id: id)
            _ = try c.replicas[1].editVisit(id: id, VisitFields(note: "電話で安否確認"), today: LocalDate("2025-11-23")!)
            try await c.syncAll()
            try await c.expectConverged()
            for db in c.replicas {
                let doc = try #require(try db.document(id: id))
                #expect(doc.inConflict)
                #expect(doc.current.map(\.deleted).sorted { !$0 && $1 } == [false, true])
                #expect(doc.display.deleted == false, "the live edit is shown, not the delete")
                #expect(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: LocalDate("2025-11-23")!).indicators[0].count == 1)
            }
        }
    }

    @Test("a batch replayed after its reply was lost creates nothing new", arguments: StoreKind.available)
    func lostReplyReplay(store: StoreKind) async throws {
        try await Cluster.run(replicas: 1, store: store, servers: store.servers) { c in
            try c.addSubject(0, "S-1")
            for _ in 0..<5 { try c.log(0, subject: "S-1") }
            let db = c.replicas[0]
            let real = try SyncEngine.forLogin(database: db)
            let lossy = SyncEngine(database: db, transport: FaultyTransport(real.transport, losePushReplies: [1]))
            await #expect(throws: FaultyTransport.Dropped.self) { try await lossy.sync() }
            let sequenceAfterFirst = try await c.store.lastSequence()
            #expect(try await c.store.allDocuments().count == 6, "the server applied the batch whose reply was lost")
            #expect(try db.pendingCount() == 6, "the laptop does not know it arrived")

            let summary = try await real.sync()
            #expect(summary.pushed == 6)
            #expect(try await c.store.lastSequence() == sequenceAfterFirst, "the replay changed nothing on the server")
            #expect(try await c.store.allDocuments().count == 6)
            try await c.expectConverged()
        }
    }

    @Test("a pull interrupted between pages resumes without gaps or duplicates", arguments: StoreKind.available)
    func interruptedPull(store: StoreKind) async throws {
        try await Cluster.run(replicas: 2, store: store, servers: store.servers) { c in
            try c.addSubject(0, "S-1")
            var ids: [String] = []
            for d in 1...24 { ids.append(try c.log(0, subject: "S-1", date: String(format: "2025-05-%02d", d))) }
            try await c.sync(0)

            let db = c.replicas[1]
            let real = try SyncEngine.forLogin(database: db)
            let flaky = SyncEngine(database: db, transport: FaultyTransport(real.transport, failAfterPages: 2), pageSize: 10)
            await #expect(throws: FaultyTransport.Dropped.self) { try await flaky.sync() }
            #expect(try db.visits(VisitFilter()).count + db.subjects().count == 20, "two whole pages applied, cursor with them")

            try await SyncEngine(database: db, transport: real.transport, pageSize: 10).sync()
            #expect(Set(try db.visits(VisitFilter()).map(\.visit.id)) == Set(ids))
            #expect(try db.visits(VisitFilter()).count == 24)
            try await c.expectConverged()
        }
    }

    @Test("a live server's pages announce their cursor: each page is asked for once, ahead, and the pull converges",
          arguments: StoreKind.available)
    func announcedPages(store: StoreKind) async throws {
        try await Cluster.run(replicas: 2, store: store, servers: store.servers) { c in
            try c.addSubject(0, "S-1")
            for d in 1...24 { _ = try c.log(0, subject: "S-1", date: String(format: "2025-05-%02d", d)) }
            try await c.sync(0)

            let db = c.replicas[1]
            let counting = CountingPages(try SyncEngine.forLogin(database: db).transport)
            try await SyncEngine(database: db, transport: counting, pageSize: 10).sync()
            let (asked, announced) = counting.seen
            #expect(asked.count == 3, "pages of 10, 10 and 5 documents")
            #expect(Set(asked).count == asked.count, "no page asked for twice")
            #expect(announced == Array(asked.dropFirst()), "each page but the last announced the next one's cursor")
            try await c.expectConverged()
        }
    }

    @Test("a rejected record is kept aside and does not stall the rest of the outbox", arguments: StoreKind.available)
    func rejectedRecordDoesNotStall(store: StoreKind) async throws {
        try await Cluster.run(replicas: 1, store: store, servers: store.servers) { c in
            try c.addSubject(0, "S-1")
            try c.addSubject(0, "S-9", district: "higashi")   // not this token's district
            try c.log(0, subject: "S-9")
            let good = try c.log(0, subject: "S-1")
            let summary = try await c.sync(0)
            #expect(summary.rejected == 2)
            let status = try c.replicas[0].status()
            #expect(status.pendingChanges == 0)
            #expect(status.rejected.map(\.code) == ["out_of_scope", "out_of_scope"])
            #expect(status.rejected.allSatisfy { $0.message.contains("higashi") })
            let server = try await c.store.allDocuments()
            #expect(Set(server.keys) == ["S-1", good])
            let again = try await c.sync(0)
            #expect(again.pushed == 0 && again.rejected == 0, "a refused change is not resent on every sync")
        }
    }

    @Test("sync works across a server restart, and a server restored from backup gets everything back")
    func restartAndRestore() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-e2e-\(UUID().uuidString)")
        let serverDir = root.appendingPathComponent("server")
        let db = try AppDatabase.open(directory: root.appendingPathComponent("laptop"), create: true)
        try db.initReplica(visitorId: "visitor-0", name: "訪問者", role: .fureaiMember, district: Cluster.district)

        let firstEpoch = try await Cluster.run(replicas: 1, serverDirectory: serverDir, existing: [db]) { c in
            try c.addSubject(0, "S-1")
            try c.log(0, subject: "S-1")
            try await c.sync(0)
            return try await c.store.epoch()
        }
        // The same server data, restarted: same epoch, the laptop just carries on.
        try await Cluster.run(replicas: 1, serverDirectory: serverDir, existing: [db]) { c in
            #expect(try await c.store.epoch() == firstEpoch)
            try c.log(0, subject: "S-1")
            let s = try await c.sync(0)
            #expect(!s.epochChanged)
            #expect(s.pushed == 1)
            try await c.expectConverged()
        }
        // A server restored from an older backup (here: empty) has a new epoch: the laptop re-sends all it wrote.
        try await Cluster.run(replicas: 1, existing: [db]) { c in
            #expect(try await c.store.epoch() != firstEpoch)
            let s = try await c.sync(0)
            #expect(s.epochChanged)
            #expect(try await c.store.allDocuments().count == 3)
            try await c.expectConverged()
        }
    }

    @Test("after a restore to an empty server, an edit that builds on another laptop's write waits for it, then lands")
    func restoreWithDependentEdits() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-e2e-\(UUID().uuidString)")
        var laptops: [AppDatabase] = []
        for i in 0..<2 {
            let db = try AppDatabase.open(directory: root.appendingPathComponent("laptop-\(i)"), create: true)
            try db.initReplica(visitorId: "visitor-\(i)", name: "訪問者\(i)", role: .fureaiMember, district: Cluster.district)
            laptops.append(db)
        }
        let dbs = laptops
        let visitId = try await Cluster.run(replicas: 2, existing: dbs) { c in
            try c.addSubject(0, "S-1")
            try await c.sync(0)
            try await c.sync(1)
            let id = try c.log(1, subject: "S-1", note: "laptop 1 wrote this")
            try await c.sync(1)
            try await c.sync(0)
            _ = try c.replicas[0].editVisit(id: id, VisitFields(outcome: .declined), today: .today())  // builds on laptop 1's write
            return id
        }
        // The server is restored from a backup older than all of it. Laptop 0 syncs first: its edit names a
        // write of laptop 1 the new server has not seen, so it is deferred, not thrown away.
        try await Cluster.run(replicas: 2, existing: dbs) { c in
            let first = try await c.sync(0)
            #expect(first.epochChanged)
            #expect(first.deferred == 1)
            #expect(first.rejected == 0)
            #expect(try c.replicas[0].pendingCount() == 1)
            try await c.sync(1)        // laptop 1 re-sends its original write
            let second = try await c.sync(0)
            #expect(second.deferred == 0)
            try await c.syncAll()
            try await c.expectConverged()
            #expect(try await c.store.allDocuments()[visitId]?.map { $0.payload.visit?.outcome } == [.declined])
        }
    }

    @Test("each 民生委員's report monthly on their laptop equals the office page's record for them")
    func minseiReportMatchesOffice() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-e2e-minsei-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let laptops = try (0..<2).map { i in
            let db = try AppDatabase.open(directory: root.appendingPathComponent("minsei-\(i)"), create: true)
            try db.initReplica(visitorId: "minsei-\(i)", name: "民生委員\(i)", role: .minseiIin, organization: "西校区民児協",
                               district: Cluster.district)
            return db
        }
        try await Cluster.run(replicas: 2, existing: laptops) { c in
            try c.addSubject(0, "S-1")
            try await c.syncAll()
            func log(_ i: Int, _ date: String, _ actions: [VisitAction], _ field: ConsultationField?, _ topics: [ConsultationTopic]) throws -> String {
                try c.replicas[i].logVisit(VisitFields(subjectId: "S-1", kind: .minseiWatch, date: LocalDate(date)!, actions: actions,
                                                       consultationField: field, consultationTopics: topics), today: .today()).id
            }
            let first = try log(0, "2025-06-02", ["liaison"], .elderly, ["long_term_care", "housing"])
            _ = try log(0, "2025-06-02", ["consultation"], nil, [])
            _ = try log(0, "2025-06-20", [], .children, ["child_education"])
            let gone = try log(1, "2025-06-03", ["liaison", "consultation"], .disabled, ["work"])
            _ = try log(1, "2025-06-30", [], nil, [])
            try await c.syncAll()
            // Changes made after a sync, on the other laptop too, move both sides the same way.
            try c.replicas[1].editVisit(id: first, VisitFields(consultationTopics: ["family"]), today: .today())
            try c.replicas[1].deleteVisit(id: gone)
            try await c.syncAll()
            let office = try await #require(c.store as? SQLiteSyncStore).minseiMonth("2025-06", districts: [Cluster.district])
            #expect(office.count == 2)
            for (i, db) in c.replicas.enumerated() {
                let local = try db.monthlyActivity(year: 2025, month: 6)
                let record = office.first { $0.visitorId == "minsei-\(i)" }
                #expect(record?.report == local, "laptop \(i)")
            }
            let own = try c.replicas[0].monthlyActivity(year: 2025, month: 6)
            #expect(own.visits == 3 && own.activityDays == 2 && own.liaisons == 1 && own.consultations == 3)
            #expect(own.byTopic.first { $0.key == "family" }?.count == 1)
            #expect(own.byTopic.first { $0.key == "housing" }?.count == 0)
        }
    }

    @Test("activities logged on one laptop reach the other through the server; the office's record equals the laptop's report",
          arguments: StoreKind.available)
    func activitiesSyncAndCount(store: StoreKind) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-e2e-activity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let laptops = try (0..<2).map { i in
            let db = try AppDatabase.open(directory: root.appendingPathComponent("minsei-\(i)"), create: true)
            try db.initReplica(visitorId: "minsei-\(i)", name: "民生委員\(i)", role: .minseiIin, district: Cluster.district)
            return db
        }
        try await Cluster.run(replicas: 2, store: store, servers: store.servers, existing: laptops) { c in
            try c.addSubject(0, "S-1")
            _ = try c.replicas[0].logVisit(VisitFields(subjectId: "S-1", kind: .minseiWatch, date: LocalDate("2025-06-02")!,
                                                       actions: ["liaison"]), today: .today())
            let survey = try c.replicas[0].logActivity(ActivityFields(category: "survey", date: LocalDate("2025-06-05")!, count: 4,
                                                                      note: "高齢者実態調査（要配慮）"), today: .today())
            let liaison = try c.replicas[0].logActivity(ActivityFields(category: .liaison, date: LocalDate("2025-06-02")!, count: 2), today: .today())
            let gone = try c.replicas[0].logActivity(ActivityFields(category: "certification", date: LocalDate("2025-06-09")!), today: .today())
            try await c.syncAll()
            // The second laptop pulled them, note and all (same 校区), and edits one; the first deletes another.
            #expect(Set(try c.replicas[1].activities().map(\.activity.id)) == [survey.id, liaison.id, gone.id])
            #expect(try c.replicas[1].activities().first { $0.activity.id == survey.id }?.activity.note == "高齢者実態調査（要配慮）")
            try c.replicas[1].editActivity(id: survey.id, ActivityFields(count: 5), today: .today())
            try c.replicas[0].deleteActivity(id: gone.id)
            try await c.syncAll()
            try await c.expectConverged()
            for db in c.replicas {
                #expect(try db.activities().map(\.activity.id).sorted() == [survey.id, liaison.id].sorted())
            }
            let server = try await c.store.allDocuments()
            #expect(server[gone.id]?.map(\.payload) == [.erased(ErasedDocument(type: .activity, id: gone.id, district: Cluster.district))])
            let local = try c.replicas[0].monthlyActivity(year: 2025, month: 6)
            #expect(local.visits == 1 && local.activityDays == 2 && local.liaisons == 3 && local.otherActivities == 5)
            #expect(local.byActivity.first { $0.key == "survey" }?.count == 5)
            #expect(local.byActivity.first { $0.key == "certification" }?.count == 0)
            if let office = c.store as? SQLiteSyncStore {
                let record = try #require(try await office.minseiMonth("2025-06", districts: [Cluster.district]).first { $0.visitorId == "minsei-0" })
                #expect(record.report == local)
                #expect(record.activeDays == 2 && record.liaison == 3)
            }
        }
    }

    @Test("the server's totals equal every laptop's local totals", arguments: StoreKind.available)
    func serverTotals(store: StoreKind) async throws {
        try await Cluster.run(replicas: 2, store: store, servers: store.servers) { c in
            try c.addSubject(0, "S-1")
            try await c.syncAll()
            try c.log(0, subject: "S-1", date: "2025-04-01")
            try c.log(1, subject: "S-1", kind: .minseiWatch, date: "2026-03-31")
            try c.log(1, subject: "S-1", kind: .outreach, date: "2025-09-09")
            try c.log(1, subject: "S-1", date: "2025-03-31")   // FY2024
            // Outreach plans and 日常生活自立支援事業 check-ins, from both laptops.
            for (i, event) in [(0, PlanEvent.created), (1, .replanned), (1, .closed)] {
                try c.replicas[i].logVisit(VisitFields(subjectId: "S-1", kind: .outreach, date: LocalDate("2025-07-01"), planEvent: event))
            }
            for i in [0, 1] { try c.replicas[i].logVisit(VisitFields(subjectId: "S-1", kind: .nichijiCheckin, date: LocalDate("2025-08-01"))) }
            try await c.syncAll()
            let server = try await SyncEngine.forLogin(database: c.replicas[0]).transport.totals(fiscalYear: 2025, language: .japanese)
            let local = try c.replicas[1].localTotals(fiscalYear: FiscalYear(2025), asOf: server.asOf)
            #expect(server == local)
            #expect(server.programs == ProgramTotals(planEvents: ["created": 1, "replanned": 1, "closed": 1], nichijiCheckins: 2, nichijiHolders: 1))
            // What `mimamori totals --server` prints of that report.
            let lines = TotalsCommand.text(server, language: .japanese, fromServer: true)
            #expect(lines.contains("アウトリーチ：プラン作成 2件（うち再プラン 1件）／年間目標 30件、終結 1件"), "\(lines)")
            #expect(lines.contains("日常生活自立支援事業：定期訪問 2件、契約者 1人"), "\(lines)")
            #expect(server.indicators.map(\.count) == [1, 2])
            #expect(server.indicators[0].annualTarget == 296_000)
            #expect(server.byMonth.first { $0.key == "2026-03" }?.broad == 1)
        }
    }
}
