import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("Bad input is refused with a message and leaves no trace")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let field: String
        let action: @Sendable (AppDatabase, String) throws -> Void
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown kind", field: "kind") { db, _ in
            try db.logVisit(VisitFields(subjectId: "S-0001", kind: "fureai"), today: today)
        },
        Case(name: "unknown concern", field: "concern") { db, _ in
            try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, concerns: ["lonely"]), today: today)
        },
        Case(name: "future date", field: "date") { db, _ in
            try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: today.adding(days: 1)), today: today)
        },
        Case(name: "unknown subject", field: "subject") { db, _ in
            try db.logVisit(VisitFields(subjectId: "S-9999", kind: .fureaiWatch), today: today)
        },
        Case(name: "missing kind", field: "kind") { db, _ in
            try db.logVisit(VisitFields(subjectId: "S-0001"), today: today)
        },
        Case(name: "kyoryokuin visit without assists", field: "assists") { db, _ in
            try db.logVisit(VisitFields(subjectId: "S-0001", kind: .kyoryokuinWatch), today: today)
        },
        Case(name: "edit of an unknown visit", field: "visit") { db, _ in
            try db.editVisit(id: "no-such-visit", VisitFields(outcome: .declined), today: today)
        },
        Case(name: "delete of an unknown visit", field: "visit") { db, _ in
            try db.deleteVisit(id: "no-such-visit")
        },
        Case(name: "edit to an invalid duration", field: "duration-min") { db, id in
            try db.editVisit(id: id, VisitFields(durationMinutes: 0), today: today)
        },
        Case(name: "next due before the visit", field: "next-due") { db, id in
            try db.editVisit(id: id, VisitFields(nextDue: LocalDate("2000-01-01")), today: today)
        },
        Case(name: "duplicate subject id", field: "id") { db, _ in
            try db.addSubject(id: "S-0001", fields: SubjectFields(name: "x", district: "y"), today: today)
        },
        Case(name: "subject with an unknown category", field: "category") { db, _ in
            try db.addSubject(id: "S-0003", fields: SubjectFields(name: "x", district: "y", categories: ["alone"]), today: today)
        },
        Case(name: "resolve of a document not in conflict", field: "conflict") { db, id in
            try db.resolveConflict(id: id, keep: 1)
        },
        Case(name: "login with a bad URL", field: "--server") { db, _ in
            try db.login(server: "office.example.jp", token: "t")
        },
    ]

    @Test(arguments: cases)
    func leavesNoTrace(_ c: Case) throws {
        let db = try makeDatabase()
        let existing = try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: LocalDate("2025-06-01")), today: today)
        let before = try dump(db)
        var message = ""
        #expect(throws: (any Error).self) {
            do { try c.action(db, existing.id) } catch {
                message = error.localizedDescription
                throw error
            }
        }
        #expect(message.contains(c.field), "message should name \(c.field): \(message)")
        #expect(try dump(db) == before)
    }

    @Test("a missing database is reported and not created")
    func missingDatabase() throws {
        let dir = temporaryDirectory()
        #expect(throws: ClientError.notInitialized(path: dir.appendingPathComponent(AppDatabase.fileName).path)) {
            try AppDatabase.open(directory: dir)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path))
    }

    @Test("a corrupt database file is reported and left as it was")
    func corruptDatabase() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(AppDatabase.fileName)
        let garbage = Data(repeating: 0x42, count: 4096)
        try garbage.write(to: file)
        var message = ""
        do { _ = try AppDatabase.open(directory: dir) } catch { message = error.localizedDescription }
        #expect(message.contains("cannot be read"))
        #expect(try Data(contentsOf: file) == garbage)
    }

    @Test("a data folder that cannot be created is reported")
    func unwritableFolder() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("x".utf8).write(to: dir)  // a file where the folder should be
        var message = ""
        do { _ = try AppDatabase.open(directory: dir.appendingPathComponent("sub"), create: true) } catch {
            message = error.localizedDescription
        }
        #expect(message.contains("data folder"))
    }

    @Test("a database locked by another writer is reported and nothing is written")
    func lockedDatabase() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try AppDatabase.open(directory: dir, create: true)
        try db.initReplica(visitorId: "V-001", name: "山田花子", role: .fureaiMember)
        try db.addSubject(id: "S-0001", fields: SubjectFields(name: "佐藤", district: "nishi"), today: today)
        let before = try dump(db)
        // Another process holding the write lock: a raw connection with an open exclusive transaction.
        var config = Configuration()
        config.busyMode = .immediateError
        let other = try DatabaseQueue(path: dir.appendingPathComponent(AppDatabase.fileName).path, configuration: config)
        var message = ""
        try other.inDatabase { o in
            try o.execute(sql: "BEGIN IMMEDIATE")
            var quick = Configuration()
            quick.busyMode = .timeout(0.1)
            let second = try AppDatabase(DatabasePool(path: dir.appendingPathComponent(AppDatabase.fileName).path, configuration: quick))
            do { try second.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today) } catch {
                message = error.localizedDescription
            }
            try o.execute(sql: "ROLLBACK")
        }
        #expect(message.contains("locked"))
        #expect(try dump(db) == before)
    }
}
