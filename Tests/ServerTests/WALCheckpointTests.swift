import Foundation
import MimamoriServer
import MimamoriShared
import Testing

@Suite("SQLite write-ahead log")
struct WALCheckpointTests {
    /// Pushes `batches` batches of 100 visits into `store`, all accepted.
    static func push(_ batches: Int, into store: SQLiteSyncStore) async throws {
        let token = try await store.issueToken(role: .visitor, name: "laptop", districts: ["nishi"])
        let caller = Caller(token: token.info)
        for b in 0..<batches {
            let versions = (1...100).map { n in
                let counter = b * 100 + n
                return Fixture.create(Fixture.visit("visit-\(counter)"), replica: "replica-a", counter: UInt64(counter))
            }
            let reply = try await store.push(PushRequest(batchId: "b\(b)", replicaId: "replica-a", versions: versions),
                                             by: caller, today: ServerFixture.today)
            #expect(reply.response.results.allSatisfy { $0.outcome == .new })
        }
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    @Test("pushed documents are copied from the log into the database file by the checkpointer, and stay whole when reopened")
    func checkpointerCopiesTheLog() async throws {
        let dir = CommandTests.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/" + SQLiteSyncStore.fileName
        // Given: a store whose checkpointer starts at 16 pages of log, and whose writer would never checkpoint.
        let store = try SQLiteSyncStore(directory: URL(fileURLWithPath: dir), checkpointPages: 16, writerCheckpointPages: 1_000_000)
        await store.checkpointsFinished()
        let empty = Self.size(file)

        // When: 1,000 visits are pushed and the checkpoints started have finished.
        try await Self.push(10, into: store)
        await store.checkpointsFinished()

        // Then: the database file holds them (a log never checkpointed leaves it as it was made: the schema alone),
        // and a store opened again reads every document, counters equal to a recount.
        #expect(Self.size(file) > empty + 300_000, "database file \(Self.size(file)) bytes, \(empty) when made")
        let reopened = try SQLiteSyncStore(directory: URL(fileURLWithPath: dir))
        #expect(try await reopened.allDocuments().count == 1000)
        #expect(try await reopened.counters(fiscalYears: [2025]) == (try await reopened.recount()))
    }

    @Test("when the log reaches the writer's limit, the writer checkpoints itself, so the log does not keep growing")
    func writerCheckpointsAtItsLimit() async throws {
        let dir = CommandTests.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/" + SQLiteSyncStore.fileName
        // Given: a store whose writer checkpoints once the log holds 16 pages (the checkpointer never starts first).
        let store = try SQLiteSyncStore(directory: URL(fileURLWithPath: dir), checkpointPages: 16, writerCheckpointPages: 16)

        // When: 1,000 visits (~700 KB of JSON) are pushed in ten batches.
        try await Self.push(10, into: store)

        // Then: the log was started again after each checkpoint, so it holds about one batch, not all ten.
        let log = Self.size(file + "-wal")
        #expect(log > 0 && log < 400_000, "log \(log) bytes")
        #expect(try await store.allDocuments().count == 1000)
    }
}
