import ArgumentParser
import Foundation
import GRDB
import MimamoriServer
import MimamoriShared
import Testing

@Suite("backup and restore (SQLite)")
struct BackupTests {
    @Test("a backup taken while pushes go on is a consistent database; restoring it gives a new epoch and the backup's documents")
    func backupWhileServingThenRestore() async throws {
        let dir = CommandTests.dataDirectory()
        let restoredDir = CommandTests.dataDirectory()
        let file = CommandTests.dataDirectory() + ".sqlite"
        defer {
            for path in [dir, restoredDir, file] { try? FileManager.default.removeItem(atPath: path) }
        }
        // Given: a server database receiving pushes.
        let store = try SQLiteSyncStore(directory: URL(fileURLWithPath: dir))
        let token = try await store.issueToken(role: .visitor, name: "laptop", districts: ["nishi"])
        let caller = Caller(token: token.info)
        func push(_ n: Int) async throws {
            let v = Fixture.create(Fixture.visit("visit-\(n)"), replica: "replica-a", counter: UInt64(n))
            _ = try await store.push(PushRequest(batchId: "b\(n)", replicaId: "replica-a", versions: [v]), by: caller, today: ServerFixture.today)
        }
        for n in 1...20 { try await push(n) }

        // When: a backup is taken while more pushes arrive.
        async let more: Void = { for n in 21...120 { try await push(n) } }()
        try await CommandTests.run(["backup", "--data-dir", dir, "--to", file])
        try await more

        // Then: the backup is a whole database of its own: between 20 and 120 documents, counters equal a recount.
        let backup = try SQLiteSyncStore(writer: DatabaseQueue(path: file))
        let backedUp = try await backup.allDocuments()
        #expect((20...120).contains(backedUp.count))
        #expect(try await backup.lastSequence() == Int64(backedUp.count))
        #expect(try await backup.counters(fiscalYears: [2025]) == (try await backup.recount()))
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        await #expect(throws: (any Error).self, "a backup never overwrites a file") {
            try await CommandTests.run(["backup", "--data-dir", dir, "--to", file])
        }

        // And restoring it gives its documents under a new epoch, so laptops re-sync.
        try await CommandTests.run(["restore", "--data-dir", restoredDir, "--from", file])
        let restored = try SQLiteSyncStore(directory: URL(fileURLWithPath: restoredDir))
        #expect(try await restored.allDocuments() == backedUp)
        #expect(try await restored.epoch() != (try await store.epoch()))
        #expect(try await restored.epoch() != (try await backup.epoch()))
        #expect(try await restored.token(secret: token.secret)?.id == token.info.id)
    }

    @Test("backup and restore refuse what they cannot do, naming the option",
          arguments: [(["backup", "--to", ""], "--to:"), (["restore", "--from", " "], "--from:"),
                      (["backup", "--to", "/tmp/x.sqlite", "--database", "postgres://u@h/d"], "pg_dump"),
                      (["restore", "--from", "/tmp/x.sqlite", "--database", "postgres://u@h/d"], "pg_restore")])
    func refusals(arguments: [String], expected: String) {
        #expect(CommandTests.parseError(arguments)?.contains(expected) == true, "\(CommandTests.parseError(arguments) ?? "parsed")")
    }

    @Test("restoring a file that is not a Mimamori database changes nothing")
    func restoreRefusesForeignFile() async throws {
        let dir = CommandTests.dataDirectory()
        let file = CommandTests.dataDirectory() + ".txt"
        defer { for path in [dir, file] { try? FileManager.default.removeItem(atPath: path) } }
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: file))
        await #expect { try await CommandTests.run(["restore", "--data-dir", dir, "--from", file]) } throws: { error in
            "\(error)".contains("--from:")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + SQLiteSyncStore.fileName))
    }
}
