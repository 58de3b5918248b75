import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("Pulled pages, conflicts and resolution")
struct PullAndConflictTests {
    /// Another replica's version of `visit`, concurrent with everything held locally.
    func remoteEdit(of visit: Visit, base: VersionVector, replica: String, counter: UInt64, change: (inout Visit) -> Void,
                    deleted: Bool = false) -> Version {
        var v = visit
        change(&v)
        return Version(payload: deleted ? DocumentPayload.visit(v).erased : .visit(v), deleted: deleted, vector: base.setting(replica, to: counter),
                       dot: Dot(replica: replica, counter: counter), author: "V-002",
                       writtenAt: Timestamp(milliseconds: 1_750_000_000_000))
    }

    @Test("a concurrent remote edit becomes a conflict; resolving keeps the chosen version and supersedes both")
    func conflictAndResolve() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: LocalDate("2025-06-01")), today: today)
        let base = try db.visitDetail(id: visit.id).display
        try db.editVisit(id: visit.id, VisitFields(outcome: .notAtHome), today: today)
        let other = DocumentID.make()
        let remote = remoteEdit(of: visit, base: base.vector, replica: other, counter: 1) { $0.kind = .minseiWatch }

        let page = ChangesResponse(epoch: "e1", changes: [DocumentChange(sequence: 7, documentId: visit.id, type: .visit,
                                                                            versions: [base, remote])],
                                   nextSince: 7, hasMore: false)
        let result = try db.applyPulledPage(page)

        #expect(result.newConflicts == 1)
        #expect(try db.pullCursor() == 7)
        #expect(try db.conflicts().map(\.documentId) == [visit.id])
        #expect(try db.status().conflicts == 1)
        let detail = try db.visitDetail(id: visit.id)
        #expect(detail.inConflict)
        #expect(detail.current.count == 2)
        // counted once, by the display version
        #expect(try db.counters() == db.recount())
        #expect(try db.visits().count == 1)

        let keepIndex = detail.current.firstIndex { $0.dot.replica == other }! + 1
        let resolution = try db.resolveConflict(id: visit.id, keep: keepIndex)
        #expect(resolution.payload.visit?.kind == .minseiWatch)
        for sibling in detail.current { #expect(resolution.vector.descends(from: sibling.vector)) }
        #expect(try db.conflicts().isEmpty)
        #expect(try db.visitDetail(id: visit.id).current == [resolution])
        #expect(try db.pendingChanges().last == resolution)
        #expect(try db.counters() == db.recount())
    }

    @Test("editing a visit in conflict resolves it")
    func resolveByEditing() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        let base = try db.visitDetail(id: visit.id).display
        try db.editVisit(id: visit.id, VisitFields(note: "local"), today: today)
        let remote = remoteEdit(of: visit, base: base.vector, replica: DocumentID.make(), counter: 1) { $0.note = "remote" }
        try db.applyPulledPage(ChangesResponse(epoch: "e1", changes: [DocumentChange(sequence: 1, documentId: visit.id, type: .visit, versions: [remote])],
                                               nextSince: 1, hasMore: false))
        #expect(try db.visitDetail(id: visit.id).inConflict)
        try db.editVisit(id: visit.id, VisitFields(note: "both"), today: today)
        let after = try db.visitDetail(id: visit.id)
        #expect(!after.inConflict)
        #expect(after.display.payload.visit?.note == "both")
    }

    @Test("a remote delete concurrent with a local edit is a conflict, not a silent win")
    func deleteVersusEdit() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        let base = try db.visitDetail(id: visit.id).display
        try db.editVisit(id: visit.id, VisitFields(note: "edited"), today: today)
        let tombstone = remoteEdit(of: visit, base: base.vector, replica: DocumentID.make(), counter: 1, change: { _ in }, deleted: true)
        try db.applyPulledPage(ChangesResponse(epoch: "e1", changes: [DocumentChange(sequence: 1, documentId: visit.id, type: .visit, versions: [tombstone])],
                                               nextSince: 1, hasMore: false))
        #expect(try db.conflicts().count == 1)
        // the live version is displayed and still counts
        #expect(try db.visits().first?.visit.note == "edited")
        #expect(try db.counters() == db.recount())
        let keepDelete = try db.visitDetail(id: visit.id).current.firstIndex { $0.deleted }! + 1
        try db.resolveConflict(id: visit.id, keep: keepDelete)
        #expect(try db.visits().isEmpty)
        #expect(try db.counters().isEmpty)
    }

    @Test("a pulled delete erases the laptop's copy: it leaves the lists and its history keeps only the tombstone")
    func pulledDeleteErases() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, note: "認知症の疑い"), today: today)
        let mine = try db.visitDetail(id: visit.id).display
        let batch = try #require(try db.nextPushBatch())
        try db.recordPushReply(PushResponse(batchId: batch.batchId, epoch: "e1", results: [
            PushResult(documentId: mine.documentId, dot: mine.dot, outcome: .new),
        ]))
        let tombstone = try VersionSet([mine]).write(.visit(visit), deleted: true, replica: DocumentID.make(), counter: 1, author: "office")
        try db.applyPulledPage(ChangesResponse(epoch: "e1", changes: [DocumentChange(sequence: 1, documentId: visit.id, type: .visit, versions: [tombstone])],
                                               nextSince: 1, hasMore: false))
        #expect(try db.visits(VisitFilter(includeDeleted: true)).isEmpty)
        #expect(try db.visitDetail(id: visit.id).history == [tombstone])
        #expect(try db.counters().isEmpty)
    }

    @Test("a move notice withdraws the laptop's copy and sets an unsent edit aside, naming where the record went")
    func movedAway() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, note: "西の記録"), today: today)
        let mine = try db.visitDetail(id: visit.id).display
        let batch = try #require(try db.nextPushBatch())
        let sent = try batch.request.versions
        try db.recordPushReply(PushResponse(batchId: batch.batchId, epoch: "e1", results: sent.map {
            PushResult(documentId: $0.documentId, dot: $0.dot, outcome: .new)
        }))
        #expect(sent.contains(mine))
        try db.editVisit(id: visit.id, VisitFields(note: "追記"), today: today)
        try db.applyPulledPage(ChangesResponse(epoch: "e1", changes: [
            DocumentChange(sequence: 2, documentId: visit.id, type: .visit, versions: [], movedTo: "higashi"),
        ], nextSince: 2, hasMore: false))
        #expect(try db.visits(VisitFilter(includeDeleted: true)).isEmpty)
        #expect(try db.document(id: visit.id) == nil)
        #expect(try db.counters().isEmpty)
        #expect(try db.pendingCount() == 0)
        #expect(try db.nextPushBatch() == nil)
        let rejected = try db.rejectedChanges()
        #expect(rejected.count == 1)
        #expect(rejected.first?.message.contains("higashi") == true)
    }

    @Test("a page is applied all or nothing: a bad document leaves cursor and data unchanged")
    func pageIsAtomic() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        let held = try db.visitDetail(id: visit.id).display
        let newVisit = Visit(id: DocumentID.make(), kind: .fureaiWatch, date: today, visitorId: "V-002",
                             visitorRole: .fureaiMember, subjectId: "S-0001", district: "nishi")
        let other = DocumentID.make()
        let good = Version(payload: .visit(newVisit), vector: VersionVector([other: 1]), dot: Dot(replica: other, counter: 1),
                           author: "V-002", writtenAt: .now())
        // Same vector as the held version, different content: a reused counter.
        var changed = visit
        changed.note = "different"
        let reused = Version(payload: .visit(changed), vector: held.vector, dot: held.dot, author: "V-001", writtenAt: held.writtenAt)
        let before = try dump(db)
        #expect(throws: CounterReuseError.self) {
            try db.applyPulledPage(ChangesResponse(epoch: "e1", changes: [
                DocumentChange(sequence: 1, documentId: newVisit.id, type: .visit, versions: [good]),
                DocumentChange(sequence: 2, documentId: visit.id, type: .visit, versions: [reused]),
            ], nextSince: 2, hasMore: false))
        }
        #expect(try dump(db) == before)
    }

    @Test("pulled visits of another replica appear in lists and totals, and our counter skips any value seen")
    func pulledVisitsAndCounter() throws {
        let db = try makeDatabase()
        let me = try db.requireReplica().replicaId
        let other = DocumentID.make()
        let visit = Visit(id: DocumentID.make(), kind: .fureaiWatch, date: LocalDate("2025-04-02")!, visitorId: "V-002",
                          visitorRole: .fureaiMember, subjectId: "S-0001", district: "nishi")
        // A version that (as after a restore from backup) already carries our counter 40.
        let v = Version(payload: .visit(visit), vector: VersionVector([other: 3, me: 40]), dot: Dot(replica: other, counter: 3),
                        author: "V-002", writtenAt: .now())
        try db.applyPulledPage(ChangesResponse(epoch: "e1", changes: [DocumentChange(sequence: 3, documentId: visit.id, type: .visit, versions: [v])],
                                               nextSince: 3, hasMore: false))
        #expect(try db.visits().map(\.visit.id) == [visit.id])
        #expect(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today).indicators[0].count == 1)
        // pulled versions are not ours to push
        #expect(try db.pendingChanges().allSatisfy { $0.dot.replica == me })
        let mine = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        #expect(try db.visitDetail(id: mine.id).display.dot.counter == 41)
    }
}

@Suite("Stored versions round-trip exactly")
struct VersionStorageTests {
    @Test("a version read back equals the one written, so re-applying the same page is harmless")
    func roundTrip() throws {
        let db = try makeDatabase()
        let r1 = DocumentID.make(), r2 = DocumentID.make()
        let visit = Visit(id: DocumentID.make(), kind: "future_kind", date: LocalDate("2025-05-05")!, time: LocalTime("09:05"),
                          visitorId: "V-2", visitorRole: .minseiIin, subjectId: "S-0001", district: "nishi",
                          concerns: ["isolation", "newer_concern"], urgent: true, note: "改行\nと \"引用\"")
        let v = Version(payload: .visit(visit), vector: VersionVector([r1: 3, r2: (1 << 53)]), dot: Dot(replica: r2, counter: 1 << 53),
                        author: "V-2", writtenAt: Timestamp(milliseconds: 1_748_000_000_123))
        let page = ChangesResponse(epoch: "e", changes: [DocumentChange(sequence: 1, documentId: visit.id, type: .visit, versions: [v])],
                                   nextSince: 1, hasMore: false)
        try db.applyPulledPage(page)
        #expect(try db.visitDetail(id: visit.id).current == [v])
        let before = try dump(db).filter { !$0.hasPrefix("history") }
        try db.applyPulledPage(page)
        #expect(try dump(db).filter { !$0.hasPrefix("history") } == before)
        #expect(try db.visitDetail(id: visit.id).history == [v])
    }
}

@Suite("Counters of pulled groups")
struct PulledGroupCounterTests {
    /// The laptop's activity counters, as (month, visitor, metric) → count.
    func activityCounters(_ db: AppDatabase) throws -> [String: Int] {
        try db.writer.read { d in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(d, sql: "SELECT month, visitor_id, metric, count FROM activity_counters").map {
                ("\($0["month"] as String) \($0["visitor_id"] as String) \($0["metric"] as String)", $0["count"] as Int)
            })
        }
    }

    @Test("a group whose pages bring a document twice, and one already held, counts each by its final display version")
    func documentsSeenTwiceOrHeld() throws {
        let db = try makeDatabase()
        let other = DocumentID.make()
        func visit(_ day: Int, kind: VisitKind = .fureaiWatch) -> Visit {
            Visit(id: DocumentID.make(), kind: kind, date: LocalDate(year: 2025, month: 5, day: day)!, visitorId: "V-002",
                  visitorRole: .fureaiMember, subjectId: "S-0001", district: "nishi")
        }
        func version(_ v: Visit, _ counter: UInt64, deleted: Bool = false, base: VersionVector = VersionVector()) -> Version {
            Version(payload: deleted ? DocumentPayload.visit(v).erased : .visit(v), deleted: deleted,
                    vector: base.setting(other, to: counter), dot: Dot(replica: other, counter: counter), author: "V-002",
                    writtenAt: Timestamp(milliseconds: 1_748_000_000_000 + Int64(counter)))
        }
        func change(_ seq: Int64, _ v: Version) -> DocumentChange {
            DocumentChange(sequence: seq, documentId: v.documentId, type: .visit, versions: [v])
        }
        // Held before the group: a visit on the 1st.
        let held = visit(1)
        let heldV1 = version(held, 1)
        try db.applyPulledPage(ChangesResponse(epoch: "e1", changes: [change(1, heldV1)], nextSince: 1, hasMore: true))
        // The group: a new visit, edited (kind and date) in a later page; another new one, deleted later; the held one
        // moved to another date; and one page bringing a version already held.
        let edited = visit(2), deleted = visit(3)
        var moved = edited
        moved.kind = .minseiWatch
        moved.date = LocalDate(year: 2025, month: 6, day: 4)!
        var heldLater = held
        heldLater.date = LocalDate(year: 2025, month: 5, day: 9)!
        let e1 = version(edited, 2), d1 = version(deleted, 3)
        let pages = [
            ChangesResponse(epoch: "e1", changes: [change(2, e1), change(3, d1)], nextSince: 3, hasMore: true),
            ChangesResponse(epoch: "e1", changes: [change(4, version(moved, 4, base: e1.vector)),
                                                   change(5, version(deleted, 5, deleted: true, base: d1.vector)),
                                                   change(6, version(heldLater, 6, base: heldV1.vector))], nextSince: 6, hasMore: true),
            ChangesResponse(epoch: "e1", changes: [change(7, heldV1)], nextSince: 7, hasMore: false),
        ]
        try db.applyPulledPages(pages.map(ReceivedChanges.init))

        #expect(try db.counters() == db.recount())
        #expect(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today).indicators[0].count == 1)
        let counted = try activityCounters(db)
        try db.writer.write { try AppDatabase.recountActivity($0) }
        #expect(try activityCounters(db) == counted)
        #expect(counted["2025-05 V-002 day:2025-05-09"] == 1)
        #expect(counted["2025-05 V-002 day:2025-05-01"] == nil)
        #expect(counted["2025-06 V-002 visits"] == 1)
    }
}

@Suite("List rows of pulled documents")
struct PulledListRowTests {
    func visit(_ id: String, day: Int) -> Version {
        let v = Visit(id: id, kind: .fureaiWatch, date: LocalDate(year: 2025, month: 5, day: day)!, visitorId: "V-002",
                      visitorRole: .fureaiMember, subjectId: "S-0001", district: "nishi")
        return Version(payload: .visit(v), vector: VersionVector(["R-2": UInt64(day)]), dot: Dot(replica: "R-2", counter: UInt64(day)),
                       author: "V-002", writtenAt: Timestamp(milliseconds: 1_748_000_000_000 + Int64(day)))
    }

    func page(_ sequence: Int64, _ versions: [Version]) -> ChangesResponse {
        ChangesResponse(epoch: "e1", changes: versions.enumerated().map { i, v in
            DocumentChange(sequence: sequence + Int64(i), documentId: v.documentId, type: .visit, versions: [v])
        }, nextSince: sequence + Int64(versions.count) - 1, hasMore: false)
    }

    @Test("a pulled edit of a held visit replaces its list row, and a new visit beside it is listed")
    func editReplacesRow() throws {
        let db = try makeDatabase()
        let id = DocumentID.make(), other = DocumentID.make()
        try db.applyPulledPage(page(1, [visit(id, day: 1)]))
        // The edit's vector (R-2: 9) descends from the held one's (R-2: 1).
        try db.applyPulledPage(page(2, [visit(id, day: 9), visit(other, day: 3)]))
        let listed = try db.visits().map { "\($0.visit.id) \($0.visit.date)" }
        #expect(listed == ["\(other) 2025-05-03", "\(id) 2025-05-09"])
        #expect(try db.counters() == db.recount())
    }

    @Test("a list row left behind without its versions is replaced by the pulled visit, not kept")
    func rowWithoutVersions() throws {
        let db = try makeDatabase()
        let id = DocumentID.make()
        try db.applyPulledPage(page(1, [visit(id, day: 1)]))
        // A damaged database: the visit's versions are gone, its list row (pointing at them) is not.
        try db.writer.write { try $0.execute(sql: "DELETE FROM version WHERE document_id = ?", arguments: [id]) }
        try db.applyPulledPage(page(2, [visit(id, day: 4)]))
        #expect(try db.visits().map { "\($0.visit.id) \($0.visit.date)" } == ["\(id) 2025-05-04"])
    }
}

@Suite("Page size of laptop databases")
struct PageSizeTests {
    @Test("a new laptop database has 32 KB pages; one made with 4 KB pages keeps them, its data and a ~40 MB checkpoint")
    func newAndOldPageSizes() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let new = try AppDatabase.open(directory: dir.appendingPathComponent("new"), create: true)
        #expect(try new.writer.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == AppDatabase.newPageSize)

        // A database as earlier releases made it: SQLite's 4 KB pages, a visit logged.
        let oldDir = dir.appendingPathComponent("old")
        try FileManager.default.createDirectory(at: oldDir, withIntermediateDirectories: true)
        let file = oldDir.appendingPathComponent(AppDatabase.fileName).path
        try DatabaseQueue(path: file).write { try $0.execute(sql: "PRAGMA page_size = 4096; CREATE TABLE earlier (x)") }
        let visitId: String
        do {
            let old = try AppDatabase.open(directory: oldDir)
            try old.initReplica(visitorId: "V-001", name: "山田花子", role: .fureaiMember, district: "nishi")
            try old.addSubject(id: "S-0001", fields: SubjectFields(name: "佐藤一郎", district: "nishi", cadenceDays: 14), today: today)
            visitId = try old.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today).id
        }
        let reopened = try AppDatabase.open(directory: oldDir)
        #expect(try reopened.writer.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
        #expect(try reopened.writer.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == 10240)
        #expect(try reopened.visits().map(\.visit.id) == [visitId])
    }
}
