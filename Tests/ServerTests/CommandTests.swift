import ArgumentParser
import Foundation
import MimamoriServer
import MimamoriShared
import Testing

@Suite("mimamori-server commands")
struct CommandTests {
    /// A fresh data folder under the temporary directory.
    static func dataDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-server-test-\(UUID().uuidString)").path
    }

    static func run(_ arguments: [String]) async throws {
        var command = try MimamoriServerCommand.parseAsRoot(arguments)
        if var async = command as? any AsyncParsableCommand {
            try await async.run()
        } else {
            try command.run()
        }
    }

    /// The message ArgumentParser would print for these arguments, or nil when they parse.
    static func parseError(_ arguments: [String]) -> String? {
        do {
            _ = try MimamoriServerCommand.parseAsRoot(arguments)
            return nil
        } catch {
            return MimamoriServerCommand.message(for: error)
        }
    }

    @Test("token issue stores only a hash; list shows it; revoke refuses it afterwards")
    func issueListRevoke() async throws {
        let dir = Self.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await Self.run(["token", "issue", "--role", "visitor", "--name", "Yamada", "--district", "nishi",
                            "--district", "higashi", "--data-dir", dir])
        let store = try SQLiteSyncStore(directory: URL(fileURLWithPath: dir))
        let tokens = try await store.tokens()
        #expect(tokens.count == 1)
        let token = try #require(tokens.first)
        #expect(token.role == .visitor && token.name == "Yamada" && token.districts == ["higashi", "nishi"])
        #expect(token.revokedAt == nil)

        // Only the hash is in the database file: no secret-looking string is stored.
        let hashes = try await store.writer.read { db in try String.fetchAll(db, sql: "SELECT secret_hash FROM tokens") }
        #expect(hashes.count == 1 && hashes[0].count == 64 && !hashes[0].hasPrefix("mmr_"))

        try await Self.run(["token", "revoke", token.id, "--data-dir", dir])
        #expect(try await store.tokens().first?.revokedAt != nil)
        await #expect(throws: (any Error).self) { try await Self.run(["token", "revoke", token.id, "--data-dir", dir]) }
        await #expect(throws: (any Error).self) { try await Self.run(["token", "revoke", "tok-nope", "--data-dir", dir]) }
        try await Self.run(["token", "list", "--json", "--data-dir", dir])
    }

    @Test("the database file is readable by its owner only")
    func fileMode() async throws {
        let dir = Self.dataDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try await SQLiteSyncStore(directory: URL(fileURLWithPath: dir)).epoch()
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/" + SQLiteSyncStore.fileName)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("a secret authenticates; a different one does not")
    func secretLookup() async throws {
        let store = try SQLiteSyncStore.inMemory()
        let issued = try await store.issueToken(role: .coordinator, name: "C", districts: [])
        #expect(issued.secret.hasPrefix("mmr_") && issued.secret.count == 68)
        #expect(try await store.token(secret: issued.secret)?.id == issued.info.id)
        #expect(try await store.token(secret: issued.secret + "0") == nil)
    }

    @Test("bad arguments name the option and what is accepted", arguments: [
        (["token", "issue", "--role", "visitor", "--name", "Y"], "--district"),
        (["token", "issue", "--role", "boss", "--name", "Y"], "coordinator"),
        (["token", "issue", "--role", "coordinator", "--name", "C", "--district", "nishi"], "--district"),
        (["token", "issue", "--role", "admin", "--name", " "], "--name"),
        (["serve", "--port", "70000"], "--port"),
        (["serve", "--port", "eighty"], "--port"),
    ])
    func badArguments(arguments: [String], mentions: String) {
        let message = Self.parseError(arguments)
        #expect(message != nil)
        #expect(message?.contains(mentions) == true, "\(message ?? "parsed")")
    }

    @Test("every option's help has an example")
    func helpExamples() {
        for command in [["serve"], ["token", "issue"], ["token", "list"], ["token", "revoke"]] {
            let help = MimamoriServerCommand.helpMessage(for: command == ["serve"] ? ServeCommand.self
                                                            : command.last == "issue" ? TokenCommand.Issue.self
                                                            : command.last == "list" ? TokenCommand.List.self : TokenCommand.Revoke.self)
            #expect(help.contains("Example"), "\(command)")
            #expect(help.contains("--data-dir"))
        }
    }
}
