import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("Sync engine (against an in-test server double)")
struct SyncEngineTests {
    func sync(_ db: AppDatabase, _ server: FakeServer, pageSize: Int = 500) async throws -> SyncSummary {
        try await SyncEngine(database: db, transport: FakeTransport(server: server), pageSize: pageSize).sync()
    }

    /// Visible state of a replica: every document's current versions and the counters.
    func state(_ db: AppDatabase) throws -> ([String: [Version]], [CounterKey: Int]) {
        let ids = try db.visits(VisitFilter(includeDeleted: true)).map(\.visit.id) + db.subjects(includeInactive: true).map(\.subject.id)
        var docs: [String: [Version]] = [:]
        for id in ids { docs[id] = try db.document(id: id)?.current }
        return (docs, try db.counters())
    }

    @Test("three replicas converge to identical documents and totals, whatever the sync order")
    func convergence() async throws {
        let server = FakeServer()
        let a = try makeDatabase(visitor: "V-A")
        let b = try AppDatabase.inMemory()
        try b.initReplica(visitorId: "V-B", name: "b", role: .minseiIin)
        let c = try AppDatabase.inMemory()
        try c.initReplica(visitorId: "V-C", name: "c", role: .fureaiMember)
        _ = try await sync(a, server)
        _ = try await sync(b, server)
        _ = try await sync(c, server)
        for i in 0..<5 {
            try a.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: today.adding(days: -i)), today: today)
            try b.logVisit(VisitFields(subjectId: "S-0001", kind: .minseiWatch, date: today.adding(days: -i)), today: today)
        }
        let shared = try c.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        _ = try await sync(c, server)
        _ = try await sync(a, server)
        try a.editVisit(id: shared.id, VisitFields(note: "from a"), today: today)
        #expect(throws: ClientError.unknownVisit(shared.id)) {  // b has not received it yet
            try b.editVisit(id: shared.id, VisitFields(outcome: .declined), today: today)
        }
        _ = try await sync(b, server, pageSize: 3)
        try b.editVisit(id: shared.id, VisitFields(outcome: .declined), today: today)  // concurrent with a's edit
        for db in [a, b, c, a, b, c] { _ = try await sync(db, server, pageSize: 4) }

        let (docsA, countersA) = try state(a)
        #expect(try state(b).0 == docsA)
        #expect(try state(c).0 == docsA)
        #expect(try state(b).1 == countersA)
        #expect(try state(c).1 == countersA)
        #expect(countersA == (await server.counters()))
        #expect(try a.conflicts().map(\.documentId) == [shared.id])
        #expect(try a.pendingCount() == 0)

        // one replica resolves; everyone converges to one version
        try c.resolveConflict(id: shared.id, keep: 1)
        for db in [c, a, b] { _ = try await sync(db, server) }
        for db in [a, b, c] {
            #expect(try db.conflicts().isEmpty)
            #expect(try db.visitDetail(id: shared.id).current.count == 1)
        }
        #expect(try state(b).0 == state(a).0)
    }

    @Test("a batch whose reply was lost is resent with the same id and contents, and creates nothing new")
    func lostReply() async throws {
        let server = FakeServer()
        let db = try makeDatabase()
        for _ in 0..<3 { try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today) }
        await server.setLoseNextReply()
        await #expect(throws: ClientError.self) { _ = try await sync(db, server) }
        #expect(try db.pendingCount() == 4)

        let summary = try await sync(db, server)
        let batches = await server.batchesReceived
        #expect(batches.count == 2)
        #expect(batches[0] == batches[1])
        #expect(summary.pushed == 4)
        #expect(try db.pendingCount() == 0)
        #expect(await server.documents.count == 4)
    }

    /// `count` visits written straight to the outbox in one transaction (faster than `logVisit` one by one).
    func logVisitsDirectly(_ count: Int, in db: AppDatabase) async throws {
        try await db.writer.write { d in
            for _ in 0..<count {
                let v = Visit(id: DocumentID.make(), kind: .fureaiWatch, date: today, visitorId: "V-001",
                              visitorRole: .fureaiMember, subjectId: "S-0001", district: "nishi")
                _ = try AppDatabase.writeLocal(d, .visit(v), now: .now())
            }
        }
    }

    @Test("large outboxes go in batches of at most API.maxBatchSize, with progress")
    func batching() async throws {
        let server = FakeServer()
        let db = try makeDatabase()
        try await logVisitsDirectly(API.maxBatchSize + 10, in: db)
        var progress: [SyncProgress] = []
        let summary = try await SyncEngine(database: db, transport: FakeTransport(server: server)).sync { progress.append($0) }
        // Batches are in flight together, so they may reach the server in either order.
        let sizes = await server.batchesReceived.map(\.versions.count)
        #expect(sizes.sorted(by: >) == [API.maxBatchSize, 11])
        #expect(summary.pushed == API.maxBatchSize + 11)
        #expect(progress.first == .pushed(done: API.maxBatchSize, total: API.maxBatchSize + 11))
        #expect(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today).indicators[0].count == API.maxBatchSize + 10)
    }

    @Test("with several batches in flight, a lost reply leaves them to be resent under the same ids, and nothing is doubled")
    func lostReplyWithBatchesInFlight() async throws {
        let server = FakeServer()
        let db = try makeDatabase()
        // More batches than are ever in flight at once.
        let visits = API.maxBatchSize * SyncEngine.batchesInFlight + 10
        try await logVisitsDirectly(visits, in: db)
        let total = try db.pendingCount()
        await server.setLoseNextReply()
        await #expect(throws: ClientError.self) { _ = try await sync(db, server) }
        #expect(try db.pendingCount() > 0)

        _ = try await sync(db, server)
        #expect(try db.pendingCount() == 0)
        #expect(await server.documents.count == total)
        // What the first sync sent is sent again under the same ids, with the same contents: each id once applied.
        let batches = await server.batchesReceived
        #expect(Dictionary(grouping: batches, by: \.batchId).values.allSatisfy { Set($0).count == 1 })
        #expect(batches.allSatisfy { $0.versions.count <= API.maxBatchSize })
        #expect(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today).indicators[0].count == visits)
    }

    @Test("a rejected change is set aside with its reason and does not stall the rest")
    func rejected() async throws {
        let server = FakeServer()
        let db = try makeDatabase()
        let bad = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        let good = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        await server.reject(bad.id)
        let summary = try await sync(db, server)
        #expect(summary.rejected == 1)
        #expect(summary.pushed == 2)
        #expect(await server.documents[good.id] != nil)
        let status = try db.status()
        #expect(status.pendingChanges == 0)
        #expect(status.rejected.map(\.documentId) == [bad.id])
        #expect(status.rejected.first?.code == "out_of_scope")
        #expect(status.lastSync?.rejected == 1)
        #expect(status.lastSyncAt != nil)
        // a second sync does not resend it forever
        _ = try await sync(db, server)
        #expect(await server.batchesReceived.count == 1)
    }

    @Test("a record that makes the server refuse a whole batch is isolated and set aside; the rest goes through")
    func poisonedBatch() async throws {
        let server = FakeServer()
        let db = try makeDatabase()
        var ids: [String] = []
        for _ in 0..<9 { ids.append(try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today).id) }
        await server.poison(ids[4])
        let summary = try await sync(db, server)
        #expect(summary.rejected == 1)
        #expect(summary.pushed == 9)
        #expect(await server.documents.count == 9)
        #expect(try db.rejectedChanges().map(\.documentId) == [ids[4]])
        #expect(try db.rejectedChanges().first?.code == "invalid_json")
        #expect(try db.pendingCount() == 0)
        // every batch id was sent with one content only
        let batches = await server.batchesReceived
        #expect(Dictionary(grouping: batches, by: \.batchId).values.allSatisfy { Set($0).count == 1 })
    }

    @Test("after the server is restored from an empty backup, a client re-pushes what it wrote and re-pulls")
    func epochChange() async throws {
        let server = FakeServer()
        let db = try makeDatabase()
        let v = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        _ = try await sync(db, server)
        #expect(try db.pendingCount() == 0)
        await server.restoreEmpty()
        let summary = try await sync(db, server)
        #expect(summary.epochChanged)
        #expect(summary.pushed == 2)
        #expect(await server.documents[v.id] != nil)
        #expect(await server.documents["S-0001"] != nil)
        #expect(try db.requireReplica().serverEpoch == (await server.epoch))
    }

    @Test("an interrupted pull resumes from the last applied page without gaps")
    func resumePull() async throws {
        let (server, writer, reader) = try await pullFixture()
        try reader.adoptServerEpoch(await server.epoch)
        // apply only the first page, as if the process was killed afterwards
        let first = await server.changes(since: 0, limit: 4)
        try reader.applyPulledPage(first)
        #expect(try reader.pullCursor() == first.nextSince)
        _ = try await sync(reader, server, pageSize: 4)
        #expect(try reader.visits().count == 10)
        #expect(try reader.counters() == writer.counters())
    }

    @Test("a server whose pages say there are more without moving past the cursor is refused, not pulled from for ever")
    func stalledPages() async throws {
        let server = FakeServer()
        let db = try makeDatabase()
        let transport = StallingTransport(server: server)
        do {
            _ = try await SyncEngine(database: db, transport: transport, pageSize: 500).sync()
            Issue.record("the sync ended as if the server were sound")
        } catch let ClientError.badServerReply(reason) {
            #expect(reason.contains("nextSince"))
        }
        #expect(await transport.pagesAsked.value == 1, "the first such page stops the pull")
        #expect(try db.pullCursor() == 0)
        #expect(try db.pendingCount() == 0, "the push before the pull still went through")
    }

    /// Ten visits and a subject on the double's server, and a new laptop to pull them.
    func pullFixture() async throws -> (server: FakeServer, writer: AppDatabase, reader: AppDatabase) {
        let server = FakeServer()
        let writer = try makeDatabase(visitor: "V-W")
        for i in 0..<10 { try writer.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: today.adding(days: -i)), today: today) }
        _ = try await sync(writer, server)
        let reader = try AppDatabase.inMemory()
        try reader.initReplica(visitorId: "V-R", name: "r", role: .fureaiMember)
        return (server, writer, reader)
    }

    @Test("a page announcing its cursor has the next page asked for with it, once: the page asked for ahead is the one used")
    func announcedCursorUsed() async throws {
        let (server, writer, reader) = try await pullFixture()
        let transport = AnnouncingTransport(server: server) { $0.hasMore ? $0.nextSince : nil }
        _ = try await SyncEngine(database: reader, transport: transport, pageSize: 3).sync()
        #expect(try reader.visits().count == 10)
        #expect(try reader.counters() == writer.counters())
        let asked = await transport.asked.values
        #expect(asked == [0, 3, 6, 9], "each page asked for once, in order")
        #expect(try reader.pullCursor() == 11)
    }

    @Test("a page whose end announces another cursor than it holds: the page asked for with it is dropped, nothing is skipped")
    func wrongAnnouncementDropped() async throws {
        let (server, writer, reader) = try await pullFixture()
        // One past the real cursor: a laptop that trusted it would skip a document after every page.
        let transport = AnnouncingTransport(server: server) { $0.hasMore ? $0.nextSince + 1 : nil }
        _ = try await SyncEngine(database: reader, transport: transport, pageSize: 3).sync()
        #expect(try reader.visits().count == 10)
        #expect(try reader.counters() == writer.counters())
        #expect(try reader.pullCursor() == 11)
        #expect(Set([0, 3, 6, 9]).isSubset(of: Set(await transport.asked.values)), "the right pages were asked for")
    }
}

/// A server double whose every page is empty, says there are more, and gives back the cursor it was asked with.
struct StallingTransport: SyncTransport {
    let server: FakeServer
    let pagesAsked = Tally()
    func health() async throws -> HealthResponse { await server.health() }
    func push(_ request: PushRequest) async throws -> PushResponse { try await server.push(request) }
    func changes(since: Int64, limit: Int) async throws -> ChangesResponse {
        await pagesAsked.add()
        return ChangesResponse(epoch: await server.health().epoch, changes: [], nextSince: since, hasMore: true)
    }
    func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport {
        TotalsReport.make(fiscalYear: FiscalYear(fiscalYear), asOf: today, counters: await server.counters(), language: language)
    }
}

actor Tally {
    private(set) var value = 0
    func add() { value += 1 }
}

/// A server double whose pages announce the cursor `announce` gives (`PageBody.announcedNextSince`), as a real
/// server's bytes do, recording every cursor it is asked from.
struct AnnouncingTransport: SyncTransport {
    let server: FakeServer
    let announce: @Sendable (ChangesResponse) -> Int64?
    let asked = Record<Int64>()
    func health() async throws -> HealthResponse { await server.health() }
    func push(_ request: PushRequest) async throws -> PushResponse { try await server.push(request) }
    func changes(since: Int64, limit: Int) async throws -> ChangesResponse { await server.changes(since: since, limit: limit) }
    func pageBody(since: Int64, limit: Int) async throws -> PageBody {
        await asked.add(since)
        let page = await server.changes(since: since, limit: limit)
        return PageBody(ReceivedChanges(page), announcedNextSince: announce(page))
    }
    func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport {
        TotalsReport.make(fiscalYear: FiscalYear(fiscalYear), asOf: today, counters: await server.counters(), language: language)
    }
}

actor Record<T: Sendable> {
    private(set) var values: [T] = []
    func add(_ value: T) { values.append(value) }
}
