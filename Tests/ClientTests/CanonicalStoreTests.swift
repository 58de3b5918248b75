import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("One canonical JSON per version, written once")
struct CanonicalStoreTests {
    /// A visit another replica wrote, and its version with the given counter.
    func remote(_ visit: Visit? = nil, replica: String, counter: UInt64, vector: VersionVector? = nil) -> Version {
        let visit = visit ?? Visit(id: DocumentID.make(), kind: .minseiWatch, date: today, visitorId: "V-9",
                                   visitorRole: .minseiIin, subjectId: "S-0001", district: "nishi")
        return Version(payload: .visit(visit), vector: vector ?? VersionVector([replica: counter]),
                       dot: Dot(replica: replica, counter: counter), author: "V-9",
                       writtenAt: Timestamp(milliseconds: 1_750_000_000_000 + Int64(counter) * 60_000))
    }

    func storedJSON(_ db: AppDatabase, _ id: String) throws -> [Data] {
        // Stored sealed (`Sealing`): opened, they are the canonical bytes.
        try db.writer.read { d in
            try StoredVersion.all().of(document: id).order(StoredVersion.Columns.id).fetchAll(d).map { try Sealing.open($0.json, .versionJSON, in: d) }
        }
    }

    @Test("a local write is stored as VersionJSON's bytes, and a push body is those bytes spliced")
    func pushIsASplice() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, note: "「見守り」 \"quoted\" \\ slash/"), today: today)
        let version = try db.visitDetail(id: visit.id).display
        #expect(try storedJSON(db, visit.id) == [VersionJSON.encode(version)])
        #expect(try storedJSON(db, visit.id) == [MimamoriJSON.encode(version)])

        let batch = try #require(try db.nextPushBatch())
        let request = try batch.request
        #expect(request.versions.map(\.documentId) == ["S-0001", visit.id])
        #expect(batch.body == (try MimamoriJSON.encode(request)))
        #expect(try MimamoriJSON.decodePush(batch.body) == request)
    }

    @Test("a decoded page of 500 documents keeps no spare room per document (a pull's memory stays flat)")
    func decodedPageHoldsNoSpareRoom() throws {
        let other = DocumentID.make()
        let changes = (1...500).map { n in
            let v = remote(replica: other, counter: UInt64(n))
            return DocumentChange(sequence: Int64(n), documentId: v.documentId, type: .visit, versions: [v])
        }
        let received = try ReceivedChanges.decode(MimamoriJSON.encodeChanges(ChangesResponse(epoch: "e", changes: changes,
                                                                                           nextSince: 500, hasMore: true)))
        #expect(received.page.changes.count == 500)
        // Each document's list was once given room for as many versions as the rest of the page could hold.
        #expect(received.page.changes.allSatisfy { $0.versions.capacity < 8 }, "\(received.page.changes.map(\.versions.capacity).max() ?? 0)")
    }

    @Test("a pulled version is stored as the bytes it arrived as, once, with the projection pointing at it")
    func pulledBytesStoredOnce() throws {
        let db = try makeDatabase()
        let other = DocumentID.make()
        let v1 = remote(replica: other, counter: 1)
        let visit = v1.payload.visit!
        var edited = visit
        edited.note = "二回目"
        let v2 = remote(edited, replica: other, counter: 2)
        let page = ChangesResponse(epoch: "e", changes: [DocumentChange(sequence: 1, documentId: visit.id, type: .visit, versions: [v1])],
                                   nextSince: 1, hasMore: true)
        let received = try ReceivedChanges.decode(MimamoriJSON.encodeChanges(page))
        try db.applyPulledPage(received)
        #expect(try storedJSON(db, visit.id) == [received.versionJSON[0][0]])
        #expect(received.versionJSON[0][0] == VersionJSON.encode(v1))

        // A later page supersedes it: the history keeps both, the current set and projection move on.
        try db.applyPulledPage(ChangesResponse(epoch: "e", changes: [DocumentChange(sequence: 2, documentId: visit.id, type: .visit, versions: [v2])],
                                               nextSince: 2, hasMore: false))
        #expect(try storedJSON(db, visit.id) == [VersionJSON.encode(v1), VersionJSON.encode(v2)])
        #expect(try db.visitDetail(id: visit.id).current == [v2])
        #expect(try db.visitDetail(id: visit.id).history == [v1, v2])
        #expect(try db.visits().map(\.visit) == [edited])
        let rows = try db.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM version WHERE document_id = ?", arguments: [visit.id]) }
        #expect(rows == 2)
        #expect(try db.counters() == db.recount())
    }

    @Test("a page the fast reader refuses is still stored in canonical form")
    func codableFallbackStoresCanonical() throws {
        let db = try makeDatabase()
        let v = remote(replica: DocumentID.make(), counter: 1)
        let visit = v.payload.visit!
        // Pretty-printed: valid JSON, not the canonical bytes.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let body = try encoder.encode(ChangesResponse(epoch: "e", changes: [DocumentChange(sequence: 1, documentId: visit.id, type: .visit, versions: [v])],
                                                      nextSince: 1, hasMore: false))
        let received = try ReceivedChanges.decode(body)
        #expect(received.page.changes[0].versions == [v])
        try db.applyPulledPage(received)
        #expect(try storedJSON(db, visit.id) == [VersionJSON.encode(v)])
    }

    @Test("a page is read with one query and written set at a time: many documents, some new, some changed, some in conflict")
    func pageSetAtATime() throws {
        let db = try makeDatabase()
        var local: [Visit] = []
        for i in 0..<5 { local.append(try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: today.adding(days: -i)), today: today)) }
        let other = DocumentID.make()
        var changes: [DocumentChange] = []
        for (i, visit) in local.enumerated() {
            let held = try db.visitDetail(id: visit.id).display
            var edited = visit
            edited.note = "remote \(i)"
            // Even: descends from what we hold (replaces it); odd: concurrent with a local edit (a conflict).
            if i % 2 == 1 { try db.editVisit(id: visit.id, VisitFields(note: "local \(i)"), today: today) }
            let theirs = remote(edited, replica: other, counter: UInt64(i + 1), vector: held.vector.setting(other, to: UInt64(i + 1)))
            changes.append(DocumentChange(sequence: Int64(i + 1), documentId: visit.id, type: .visit, versions: [theirs]))
        }
        let freshVersion = remote(replica: other, counter: 9)
        let fresh = freshVersion.payload.visit!
        changes.append(DocumentChange(sequence: 6, documentId: fresh.id, type: .visit, versions: [freshVersion]))
        let result = try db.applyPulledPage(ChangesResponse(epoch: "e", changes: changes, nextSince: 6, hasMore: false))
        #expect(result.newConflicts == 2)
        #expect(Set(try db.conflicts().map(\.documentId)) == [local[1].id, local[3].id])
        #expect(try db.visits().count == 6)
        for (i, visit) in local.enumerated() where i % 2 == 0 {
            #expect(try db.visitDetail(id: visit.id).display.payload.visit?.note == "remote \(i)")
        }
        #expect(try db.counters() == db.recount())
        // Every version held once; exactly the current sets flagged current.
        let (rows, distinct) = try db.writer.read { d in
            (try Int.fetchOne(d, sql: "SELECT COUNT(*) FROM version")!,
             try Int.fetchOne(d, sql: "SELECT COUNT(*) FROM (SELECT DISTINCT document_id, dot_replica, dot_counter FROM version)")!)
        }
        #expect(rows == distinct)
        for id in local.map(\.id) + [fresh.id] {
            let detail = try db.visitDetail(id: id)
            let flagged = try db.writer.read { d in try StoredVersion.all().of(document: id).current().fetchAll(d).map { try $0.version(d) } }
            #expect(Set(flagged) == Set(detail.current))
        }
    }
}

extension CanonicalStoreTests {
    @Test("a page naming the same document twice applies both in order, each version stored once")
    func sameDocumentTwiceInAPage() throws {
        let db = try makeDatabase()
        let other = DocumentID.make()
        let v1 = remote(replica: other, counter: 1)
        var edited = v1.payload.visit!
        edited.note = "later"
        let v2 = remote(edited, replica: other, counter: 2)
        try db.applyPulledPage(ChangesResponse(epoch: "e", changes: [
            DocumentChange(sequence: 1, documentId: v1.documentId, type: .visit, versions: [v1]),
            DocumentChange(sequence: 2, documentId: v1.documentId, type: .visit, versions: [v1, v2]),
        ], nextSince: 2, hasMore: false))
        #expect(try db.visitDetail(id: v1.documentId).current == [v2])
        #expect(try storedJSON(db, v1.documentId) == [VersionJSON.encode(v1), VersionJSON.encode(v2)])
        #expect(try db.visits().map(\.visit) == [edited])
        #expect(try db.counters() == db.recount())
    }
}

extension CanonicalStoreTests {
    /// Three pages from another replica: new visits (`first`), then an edit of one of them, then a version
    /// concurrent with a local edit of `db` (a conflict).
    func threePages(for db: AppDatabase, first: [Version]) throws -> [ChangesResponse] {
        var edited = first[0].payload.visit!
        edited.note = "edited remotely"
        let edit = remote(edited, replica: "R-OTHER", counter: 4, vector: first[0].vector.setting("R-OTHER", to: 4))
        let mine = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, note: "mine"), today: today)
        let held = try db.visitDetail(id: mine.id).display
        try db.editVisit(id: mine.id, VisitFields(note: "edited here"), today: today)
        var theirs = mine
        theirs.note = "edited there"
        let concurrent = remote(theirs, replica: "R-OTHER", counter: 5, vector: held.vector.setting("R-OTHER", to: 5))
        func page(_ n: Int64, _ versions: [Version], more: Bool) -> ChangesResponse {
            ChangesResponse(epoch: "e", changes: versions.enumerated().map { i, v in
                DocumentChange(sequence: n * 10 + Int64(i), documentId: v.documentId, type: .visit, versions: [v])
            }, nextSince: n * 10 + 9, hasMore: more)
        }
        return [page(1, first, more: true), page(2, [edit], more: true), page(3, [concurrent], more: false)]
    }

    @Test("pages applied together in one transaction end exactly as applied one by one: documents, history, conflicts, counters, cursor")
    func pagesTogetherAsOneByOne() throws {
        let first = (1...3).map { remote(replica: "R-OTHER", counter: UInt64($0)) }
        let oneByOne = try makeDatabase(), together = try makeDatabase()
        for page in try threePages(for: oneByOne, first: first) { try oneByOne.applyPulledPage(page) }
        let result = try together.applyPulledPages(try threePages(for: together, first: first).map(ReceivedChanges.init))
        #expect(result.documents == 5)
        #expect(result.newConflicts == 1)
        for db in [oneByOne, together] {
            #expect(try db.pullCursor() == 39)
            #expect(try db.conflicts().count == 1)
            #expect(try db.visits().count == 4)
            #expect(try db.visitDetail(id: first[0].documentId).display.payload.visit?.note == "edited remotely")
            #expect(try db.visitDetail(id: first[0].documentId).history.count == 2)
            #expect(try db.counters() == db.recount())
        }
        for v in first { #expect(try oneByOne.document(id: v.documentId) == together.document(id: v.documentId)) }
        #expect(try oneByOne.counters() == together.counters())
    }

    @Test("versions sealed together each get a nonce of their own, and each opens to its canonical JSON")
    func sealedTogetherDistinctNonces() throws {
        let db = try makeDatabase()
        let versions = (1...50).map { remote(replica: "R-OTHER", counter: UInt64($0)) }
        try db.applyPulledPage(ChangesResponse(epoch: "e", changes: versions.enumerated().map { i, v in
            DocumentChange(sequence: Int64(i + 1), documentId: v.documentId, type: .visit, versions: [v])
        }, nextSince: 50, hasMore: false))
        let stored = try db.writer.read { d in try Data.fetchAll(d, sql: "SELECT json FROM version WHERE dot_replica = 'R-OTHER'") }
        #expect(stored.count == 50)
        #expect(stored.allSatisfy(Sealing.isSealed))
        #expect(Set(stored.map { $0.dropFirst().prefix(12) }).count == 50, "a nonce used twice under one key")
        for v in versions { #expect(try storedJSON(db, v.documentId) == [VersionJSON.encode(v)]) }
    }
}

/// What a laptop database shows through the public API; the migration must leave all of it as it was.
/// (The same struct made `Fixtures/v1-laptop.json` on the v1 release; see `Fixtures/README.md`.)
struct V1Observed: Codable, Hashable {
    var visits: [VisitListItem]
    var subjects: [SubjectListItem]
    var documents: [DocumentDetail]
    var pending: [Version]
    var rejected: [RejectedChange]
    var counters: [CounterKey: Int]
    var conflicts: [ConflictItem]
    var replicaId: String
    var counter: Int64
    var serverEpoch: String?
    var pullCursor: Int64
    var pendingCount: Int

    /// A v1 version as v2 keeps it: a tombstone's content erased.
    static func erased(_ v: Version) -> Version {
        v.deleted ? Version(payload: v.payload.erased, deleted: true, vector: v.vector, dot: v.dot, author: v.author,
                            writtenAt: v.writtenAt) : v
    }

    static func erased(_ d: DocumentDetail) -> DocumentDetail {
        DocumentDetail(documentId: d.documentId, type: d.type, inConflict: d.inConflict, display: erased(d.display),
                       current: d.current.map(erased), history: d.history.map(erased))
    }

    static func of(_ db: AppDatabase) throws -> V1Observed {
        let visits = try db.visits(VisitFilter(includeDeleted: true))
        let subjects = try db.subjects(includeInactive: true)
        let ids = visits.map(\.visit.id) + subjects.map(\.subject.id)
        let status = try db.status()
        return V1Observed(visits: visits, subjects: subjects, documents: try ids.compactMap { try db.document(id: $0) },
                          pending: try db.pendingChanges(), rejected: try db.rejectedChanges(), counters: try db.counters(),
                          conflicts: try db.conflicts(), replicaId: status.replicaId, counter: status.counter,
                          serverEpoch: status.serverEpoch, pullCursor: status.pullCursor, pendingCount: status.pendingChanges)
    }
}

@Suite("Migrating a laptop database made by the v1 release")
struct MigrationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A copy of the v1 database in a temporary folder, opened (and so migrated) by today's code.
    func openV1Copy() throws -> (AppDatabase, URL) {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("v1-laptop.sqlite"),
                                         to: dir.appendingPathComponent(AppDatabase.fileName))
        return (try AppDatabase.open(directory: dir), dir)
    }

    @Test("everything a v1 database showed, it shows after the migration: documents, history, conflicts, outbox, counters")
    func nothingLost() throws {
        var expected = try MimamoriJSON.decode(V1Observed.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("v1-laptop.json")))
        let (db, dir) = try openV1Copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let observed = try V1Observed.of(db)
        // Deleting erases (docs/sync.md, retention): a deleted record leaves the lists and only its erased
        // tombstone stays; every other record shows exactly what v1 showed.
        let deleted = expected.documents.filter(\.display.deleted)
        #expect(!deleted.isEmpty, "the fixture holds a deleted visit")
        for d in deleted {
            let after = try #require(try db.document(id: d.documentId))
            #expect(after.history.allSatisfy { $0.deleted && $0.payload.isErased })
            #expect(after.display == V1Observed.erased(d.display))
        }
        expected.visits.removeAll { v in deleted.contains { $0.documentId == v.visit.id } }
        expected.documents = expected.documents.filter { !$0.display.deleted }.map(V1Observed.erased)
        // Migration v5 pulls everything once more, so activities a server passed over for an older laptop arrive.
        #expect(expected.pullCursor > 0)
        expected.pullCursor = 0
        #expect(observed.visits == expected.visits)
        #expect(observed.subjects == expected.subjects)
        #expect(observed.documents == expected.documents)
        #expect(observed.pending == expected.pending)
        #expect(observed.rejected == expected.rejected)
        #expect(observed.counters == expected.counters)
        #expect(observed.conflicts == expected.conflicts)
        #expect(observed == expected)
        #expect(try db.counters() == db.recount())
        // Every version once, as its canonical JSON; the v1 tables are gone.
        let stored = try db.writer.read { try StoredVersion.fetchAll($0) }
        let tombstoneRows = try deleted.reduce(0) { $0 + (try db.document(id: $1.documentId)?.history.count ?? 0) }
        #expect(stored.count == expected.documents.reduce(0) { $0 + $1.history.count } + tombstoneRows)
        for row in stored { #expect(row.json == VersionJSON.encode(try db.writer.read { try row.version($0) })) }
        let tables = try db.writer.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
        #expect(!tables.contains("history") && !tables.contains("versions"))
    }

    @Test("a migrated database syncs on: a restored server gets everything back, and new writes continue the counter")
    func syncsOn() async throws {
        let expected = try MimamoriJSON.decode(V1Observed.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("v1-laptop.json")))
        let (db, dir) = try openV1Copy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = FakeServer()
        await server.restoreEmpty()  // a server that has never seen this laptop: a new epoch
        let summary = try await SyncEngine(database: db, transport: FakeTransport(server: server), pageSize: 3).sync()
        #expect(summary.epochChanged)
        #expect(try db.pendingCount() == 0)
        #expect(try db.rejectedChanges().isEmpty)
        for detail in expected.documents where detail.current.contains(where: { $0.dot.replica == expected.replicaId }) {
            let held = await server.documents[detail.documentId]
            #expect(held != nil)
        }
        // What the server now holds, the laptop holds too (it may hold more: another replica's sibling the
        // restored server has not had back yet), and the counters still equal a recount.
        for (id, set) in await server.documents {
            #expect(Set(set.versions).isSubset(of: Set(try db.document(id: id)?.current ?? [])))
        }
        #expect(try db.counters() == db.recount())

        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        #expect(try db.visitDetail(id: visit.id).display.dot.counter == UInt64(expected.counter) + 1)
        _ = try await SyncEngine(database: db, transport: FakeTransport(server: server)).sync()
        #expect(await server.documents[visit.id] != nil)
        #expect(try db.pendingCount() == 0)
    }
}
