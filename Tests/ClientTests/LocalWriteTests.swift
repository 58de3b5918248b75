import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("Local writes: versions, outbox and counter")
struct LocalWriteTests {
    @Test("logging a visit fills the defaults from init and the subject, and queues one change")
    func logDefaults() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)

        #expect(visit.date == today)
        #expect(visit.method == .homeVisit)
        #expect(visit.outcome == .safetyConfirmed)
        #expect(visit.visitorId == "V-001")
        #expect(visit.visitorRole == .fureaiMember)
        #expect(visit.organization == "西校区ふれあいの会")
        #expect(visit.district == "nishi")
        #expect(try db.visits().map(\.visit) == [visit])
        // subject add = counter 1, visit log = counter 2
        #expect(try outbox(db).map(\.counter) == [1, 2])
        #expect(try outbox(db).last?.id == visit.id)
    }

    @Test("edit and delete each add a version that descends from the previous one")
    func editAndDeleteOutbox() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        try db.editVisit(id: visit.id, VisitFields(outcome: .notAtHome, note: "ポストに手紙"), today: today)
        try db.deleteVisit(id: visit.id)

        let pending = try db.pendingChanges().filter { $0.documentId == visit.id }
        #expect(pending.map(\.dot.counter) == [2, 3, 4])
        #expect(pending.map(\.deleted) == [false, false, true])
        #expect(pending[1].vector.descends(from: pending[0].vector))
        #expect(pending[2].vector.descends(from: pending[1].vector))
        // Deleting erases: the tombstone keeps id, type and district, and the record leaves every list.
        #expect(pending[2].payload == .erased(ErasedDocument(type: .visit, id: visit.id, district: visit.district)))
        #expect(try db.visits().isEmpty)
        #expect(try db.visits(VisitFilter(includeDeleted: true)).isEmpty)
        let detail = try db.visitDetail(id: visit.id)
        #expect(detail.current.count == 1)
        // The older versions stay only while the outbox still has to push them.
        #expect(detail.history.count == 3)
        #expect(try db.counters().isEmpty)
    }

    @Test("once a delete is pushed, nothing of the deleted visit's content stays on the laptop")
    func deleteErasesAfterPush() throws {
        let db = try makeDatabase()
        let visit = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, note: "認知症の疑い"), today: today)
        try db.editVisit(id: visit.id, VisitFields(note: "家族と同居"), today: today)
        try db.deleteVisit(id: visit.id)
        let batch = try #require(try db.nextPushBatch())
        try db.recordPushReply(PushResponse(batchId: batch.request.batchId, epoch: "e", results: batch.request.versions.map {
            PushResult(documentId: $0.documentId, dot: $0.dot, outcome: .new)
        }))
        let detail = try db.visitDetail(id: visit.id)
        #expect(detail.history.map(\.deleted) == [true])
        #expect(detail.history.allSatisfy { $0.payload.isErased })
        #expect(detail.current.allSatisfy { $0.payload.isErased })
    }

    @Test("editing keeps unspecified fields and moves the visit between counts when its kind changes")
    func editMovesCounts() throws {
        let db = try makeDatabase()
        let v = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: LocalDate("2025-05-10"),
                                            concerns: ["isolation"]), today: today)
        let edited = try db.editVisit(id: v.id, VisitFields(kind: .minseiWatch), today: today)
        #expect(edited.concerns == ["isolation"])
        #expect(edited.date == LocalDate("2025-05-10"))
        let report = try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today)
        #expect(report.indicators.first { $0.id == "mimamori_official" }?.count == 0)
        #expect(report.indicators.first { $0.id == "mimamori_broad" }?.count == 1)
        #expect(try db.counters() == db.recount())
    }

    @Test("the counter survives reopening the file and is never reused")
    func counterAcrossReopen() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var db: AppDatabase? = try AppDatabase.open(directory: dir, create: true)
        try db!.initReplica(visitorId: "V-001", name: "山田花子", role: .fureaiMember)
        try db!.addSubject(id: "S-0001", fields: SubjectFields(name: "佐藤", district: "nishi"), today: today)
        try db!.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        db = nil

        let reopened = try AppDatabase.open(directory: dir)
        let v = try reopened.logVisit(VisitFields(subjectId: "S-0001", kind: .minseiWatch), today: today)
        let dots = try reopened.pendingChanges().map(\.dot.counter)
        #expect(dots == [1, 2, 3])
        #expect(Set(dots).count == dots.count)
        #expect(try reopened.requireReplica().counter == 3)
        #expect(try reopened.visitDetail(id: v.id).display.dot.counter == 3)
    }

    @Test("the database file is readable by its owner only")
    func fileMode() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try AppDatabase.open(directory: dir, create: true)
        try db.initReplica(visitorId: "V-001", name: "山田花子", role: .fureaiMember)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(AppDatabase.fileName).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("init twice keeps the replica id and the data")
    func initTwice() throws {
        let db = try makeDatabase()
        let first = try db.requireReplica()
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        let again = try db.initReplica(visitorId: "V-999", name: "別人", role: .minseiIin)
        #expect(again.created == false)
        #expect(again.replica.replicaId == first.replicaId)
        #expect(try db.visits().count == 1)
        #expect(try db.requireReplica().visitorId == "V-001")
    }

    @Test("a kyoryokuin visit takes the assisted 民生委員 from init")
    func assistsDefault() throws {
        let db = try AppDatabase.inMemory()
        try db.initReplica(visitorId: "K-1", name: "協力員", role: .minseiKyoryokuin, assistsMinseiId: "M-7")
        try db.addSubject(id: "S-1", fields: SubjectFields(name: "a", district: "d"), today: today)
        let v = try db.logVisit(VisitFields(subjectId: "S-1", kind: .kyoryokuinWatch), today: today)
        #expect(v.assistsMinseiId == "M-7")
    }

    @Test("subject edit, deactivate and list")
    func subjects() throws {
        let db = try makeDatabase()
        try db.addSubject(id: "S-0002", fields: SubjectFields(name: "鈴木", district: "higashi", categories: [.soloElderly]), today: today)
        try db.editSubject(id: "S-0002", fields: SubjectFields(cadenceDays: 7), today: today)
        #expect(try db.subjectDetail(id: "S-0002").display.payload.subject?.cadenceDays == 7)
        #expect(try db.subjectDetail(id: "S-0002").display.payload.subject?.categories == [.soloElderly])
        try db.deactivateSubject(id: "S-0002")
        #expect(try db.subjects().map(\.subject.id) == ["S-0001"])
        #expect(try db.subjects(includeInactive: true).count == 2)
    }
}

extension SubjectCategory {
    static let soloElderly: Self = "solo_elderly"
}
