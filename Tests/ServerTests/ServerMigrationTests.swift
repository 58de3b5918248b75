import Foundation
import GRDB
@testable import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("Server migrations")
struct ServerMigrationTests {
    @Test("a database from before documents held their versions (migration v4) keeps every document, version, sequence, batch reply and count, and takes pushes after")
    func documentsHoldTheirVersions() async throws {
        // Given a database at the last migration before v4, with rows as that release wrote them: a document with
        // one version, one in conflict (its version rows written out of dot order), a batch stored with its reply.
        let queue = try DatabaseQueue()
        try ServerSchema.migrator.migrate(queue, upTo: "dashboard-v2 sessions")
        let (a, b) = ("replica-a", "replica-b")
        let one = Fixture.create(Fixture.visit("visit-1", note: "一行目\n二行目"), replica: a, counter: 1)
        let base = Fixture.create(Fixture.visit("visit-2"), replica: a, counter: 2)
        let left = try Fixture.edit([base], Fixture.visit("visit-2", note: "left"), replica: a, counter: 3)
        let right = try Fixture.edit([base], Fixture.visit("visit-2", note: "right"), replica: b, counter: 1)
        let oldReply = Data(#"{"batchId":"old-batch","epoch":"e","results":[]}"#.utf8)
        try await queue.write { db in
            for (id, sequence) in [("visit-1", 1), ("visit-2", 4)] {
                try db.execute(sql: "INSERT INTO documents (document_id, type, district, sequence) VALUES (?, 'visit', 'nishi', ?)",
                               arguments: [id, sequence])
            }
            for v in [one, right, left] {
                try db.execute(sql: "INSERT INTO versions (document_id, dot_replica, dot_counter, version) VALUES (?, ?, ?, ?)",
                               arguments: [v.documentId, v.dot.replica, Int64(v.dot.counter), String(decoding: VersionJSON.encode(v), as: UTF8.self)])
            }
            try db.execute(sql: "INSERT INTO replica_counters (replica_id, highest_counter) VALUES (?, 3), (?, 1)", arguments: [a, b])
            try db.execute(sql: "INSERT INTO batches (replica_id, batch_id, reply) VALUES (?, 'old-batch', ?)", arguments: [a, oldReply])
            try db.execute(sql: "UPDATE server_state SET last_sequence = 4")
        }

        // When the store opens it (and upgrades it).
        let store = try SQLiteSyncStore(writer: queue)

        // Then every version is there, the pull sends the same sequences and versions in dot order, counts agree.
        let conflict = try VersionSet([left, right])
        #expect(try await store.allDocuments() == ["visit-1": [one], "visit-2": conflict.versions])
        let page = try await store.changes(since: 0, limit: 10, districts: ["nishi"])
        #expect(page.changes.map(\.documentId) == ["visit-1", "visit-2"])
        #expect(page.changes.map(\.sequence) == [1, 4])
        #expect(page.changes.map(\.versions) == [[one], conflict.versions])
        #expect(try await store.recount() == IndicatorCounting.recount(displays: [one, conflict.display].compactMap { $0 }))
        #expect(try await store.lastSequence() == 4)

        // And the batch stored before answers its retry with the same bytes; a resolution is taken as new.
        let token = try await store.issueToken(role: .visitor, name: "Yamada", districts: ["nishi"])
        let caller = Caller(token: token.info)
        let replay = try await store.push(PushRequest(batchId: "old-batch", replicaId: a, versions: [one]), by: caller, today: ServerFixture.today)
        #expect(replay.body == oldReply)
        let resolved = try Fixture.edit([left, right], Fixture.visit("visit-2", note: "both"), replica: a, counter: 4)
        let reply = try await store.push(PushRequest(batchId: "new-batch", replicaId: a, versions: [resolved]), by: caller, today: ServerFixture.today)
        #expect(reply.response.results.map(\.outcome) == [.new])
        #expect(try await store.allDocuments()["visit-2"] == [resolved])
        let after = try await store.changes(since: 4, limit: 10, districts: ["nishi"])
        #expect(after.changes.map(\.documentId) == ["visit-2"])
        #expect(after.changes.map(\.sequence) == [5])
    }
}
