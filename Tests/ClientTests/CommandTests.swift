import ArgumentParser
import Foundation
@testable import MimamoriClient
import MimamoriShared
import Testing

@Suite("Command-line parsing and runs")
struct CommandTests {
    @Test("every subcommand parses", arguments: [
        ["init", "--visitor-id", "V-1", "--name", "山田", "--role", "fureai_member", "--district", "nishi"],
        ["init", "--visitor-id", "V-1", "--name", "山田", "--role", "minsei_kyoryokuin", "--assists", "M-1",
         "--server", "http://127.0.0.1:8080", "--token", "t"],
        ["subject", "add", "--id", "S-1", "--name", "佐藤", "--district", "nishi", "--category", "solo_elderly", "--cadence-days", "14"],
        ["subject", "list", "--all", "--json"],
        ["subject", "show", "S-1", "--json"],
        ["subject", "edit", "S-1", "--cadence-days", "7", "--consent", "--consent-date", "2025-04-01"],
        ["subject", "deactivate", "S-1"],
        ["visit", "log", "--subject", "S-1", "--kind", "fureai_watch", "--date", "2025-06-01", "--time", "10:30",
         "--method", "phone", "--outcome", "not_at_home", "--concern", "isolation", "--concern", "no_kin", "--urgent",
         "--shared-at", "shien_kaigi", "--referral", "chiiki_hokatsu", "--next-due", "2025-06-15", "--duration-min", "20",
         "--note", "メモ"],
        ["visit", "edit", "0193-x", "--outcome", "declined", "--no-urgent"],
        ["visit", "delete", "0193-x"],
        ["visit", "list", "--month", "2025-06", "--kind", "fureai_watch", "--json"],
        ["visit", "list", "--fy", "2025", "--subject", "S-1"],
        ["visit", "list", "--from", "2025-04-01", "--to", "2025-04-30"],
        ["visit", "show", "0193-x", "--json"],
        ["due", "--json"],
        ["totals", "--fy", "2025", "--server", "--json"],
        ["status", "--json"],
        ["login", "--server", "http://127.0.0.1:8080", "--token", "abc"],
        ["sync", "--json"],
        ["conflicts", "list", "--json"],
        ["conflicts", "show", "0193-x"],
        ["conflicts", "resolve", "0193-x", "--keep", "2"],
        ["--data-dir", "/tmp/x", "status"],
        ["activity", "log", "--category", "certification", "--date", "2025-06-01", "--district", "nishi", "--count", "3", "--note", "メモ"],
        ["activity", "log", "--category", "証明事務"],
        ["activity", "edit", "0193-x", "--count", "2"],
        ["activity", "edit", "0193-x", "--clear", "note"],
        ["visit", "edit", "0193-x", "--clear", "note", "--clear", "next-due", "--outcome", "declined"],
        ["activity", "delete", "0193-x"],
        ["activity", "list", "--month", "2025-06", "--category", "survey", "--json"],
        ["activity", "list", "--fy", "2025", "--include-deleted"],
        ["activity", "show", "0193-x", "--json"],
    ])
    func parses(_ arguments: [String]) throws {
        _ = try MimamoriCommand.parseAsRoot(arguments)
    }

    @Test("bad arguments are refused before anything runs", arguments: [
        (["visit", "log", "--subject", "S-1", "--kind", "fureai_watch", "--date", "2025-02-30"], "--date"),
        (["visit", "log", "--subject", "S-1", "--time", "25:00"], "--time"),
        (["visit", "list", "--month", "2025-13"], "--month"),
        (["visit", "list", "--month", "2025-06", "--fy", "2025"], "--month"),
        (["visit", "list", "--kind", "nope"], "kind"),
        (["init", "--visitor-id", "V", "--name", "n", "--role", "boss"], "role"),
        (["init", "--visitor-id", "V", "--name", "n", "--role", "fureai_member", "--server", "http://x"], "--token"),
        (["subject", "add", "--id", "S-1", "--district", "nishi"], "--name"),
        (["conflicts", "resolve", "X", "--keep", "0"], "--keep"),
        (["totals", "--fy", "1900"], "--fy"),
        (["visit", "frobnicate"], "frobnicate"),
        (["activity", "log", "--category", "survey", "--date", "2025-02-30"], "--date"),
        (["activity", "log", "--count", "many"], "--count"),
        (["activity", "list", "--category", "meeting"], "--category"),
        (["activity", "list", "--month", "2025-06", "--fy", "2025"], "--month"),
        (["activity", "edit"], "<id>"),
        (["visit", "edit", "X", "--clear", "subject"], "--clear"),
        (["visit", "edit", "X", "--clear", "note", "--note", "n"], "--note"),
        (["activity", "edit", "X", "--clear", "count"], "--clear"),
    ])
    func refuses(_ arguments: [String], mentions: String) {
        do {
            _ = try MimamoriCommand.parseAsRoot(arguments)
            Issue.record("\(arguments) should not parse")
        } catch {
            #expect(MimamoriCommand.message(for: error).contains(mentions), "\(MimamoriCommand.message(for: error))")
        }
    }

    @Test("every command has help with an example")
    func helpHasExamples() {
        let commands: [any ParsableCommand.Type] = [
            MimamoriCommand.self, InitCommand.self, SubjectCommand.self, SubjectCommand.Add.self, SubjectCommand.List.self,
            SubjectCommand.Show.self, SubjectCommand.Edit.self, SubjectCommand.Deactivate.self, VisitCommand.self,
            VisitCommand.Log.self, VisitCommand.Edit.self, VisitCommand.Delete.self, VisitCommand.List.self,
            VisitCommand.Show.self, DueCommand.self, TotalsCommand.self, StatusCommand.self, LoginCommand.self,
            SyncCommand.self, ConflictsCommand.self, ConflictsCommand.List.self, ConflictsCommand.Show.self,
            ConflictsCommand.Resolve.self, ActivityCommand.self, ActivityCommand.Log.self, ActivityCommand.Edit.self,
            ActivityCommand.Delete.self, ActivityCommand.List.self, ActivityCommand.Show.self,
        ]
        for c in commands {
            #expect(c.helpMessage().contains(Localization.language == .japanese ? "例:" : "Example"), "\(c) has no example")
        }
    }

    func run(_ arguments: [String]) async throws {
        var command = try MimamoriCommand.parseAsRoot(arguments)
        if var async = command as? any AsyncParsableCommand {
            try await async.run()
        } else {
            try command.run()
        }
    }

    @Test("a visitor's day through the commands, on an on-disk database")
    func commandFlow() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = ["--data-dir", dir.path]
        // `run` parses in this process, whose environment has no MIMAMORI_PASSPHRASE and no terminal: the laptop
        // is set up and unlocked for the session first, as `init` in a terminal leaves it (EncryptionTests run
        // `init` itself in a process of its own).
        let setUp = try AppDatabase.open(directory: dir, create: true)
        try setUp.initReplica(visitorId: "V-1", name: "山田", role: .fureaiMember, organization: "西会")
        try setUp.encrypt(passphrase: "command flow passphrase", parameters: .testing)
        let session = KeyCache.resolve(environment: ProcessInfo.processInfo.environment)
        try setUp.keepUnlockedKey(in: session)
        defer { if let vault = try? setUp.vault() { session.remove(keyId: vault.keyId) } }
        try await run(["init", "--visitor-id", "V-1", "--name", "山田", "--role", "fureai_member", "--organization", "西会"] + d)
        try await run(["subject", "add", "--id", "S-1", "--name", "佐藤", "--district", "nishi", "--cadence-days", "14"] + d)
        try await run(["visit", "log", "--subject", "S-1", "--kind", "ふれあいの会による見守り訪問", "--date", "2025-06-01",
                       "--concern", "isolation"] + d)
        let db = try AppDatabase.open(directory: dir)
        try db.unlock(passphrase: "command flow passphrase")
        let visit = try #require(try db.visits().first?.visit)
        #expect(visit.kind == .fureaiWatch)
        #expect(visit.organization == "西会")
        try await run(["visit", "edit", visit.id, "--outcome", "not_at_home"] + d)
        try await run(["visit", "list", "--json"] + d)
        try await run(["visit", "show", visit.id] + d)
        try await run(["due"] + d)
        try await run(["totals", "--fy", "2025"] + d)
        try await run(["status"] + d)
        #expect(try db.visits().first?.visit.outcome == .notAtHome)
        // an option's absence leaves a field; --clear takes it away
        try await run(["visit", "edit", visit.id, "--note", "ポストに手紙", "--next-due", "2025-06-15"] + d)
        #expect(try db.visits().first?.visit.note == "ポストに手紙")
        try await run(["visit", "edit", visit.id, "--clear", "note", "--clear", "concern", "--clear", "next-due"] + d)
        let cleared = try #require(try db.visits().first?.visit)
        #expect(cleared.note == nil && cleared.concerns.isEmpty && cleared.nextDue == nil)
        #expect(cleared.outcome == .notAtHome)
        try await run(["visit", "delete", visit.id] + d)
        #expect(try db.visits().isEmpty)
        #expect(try db.pendingCount() == 6)

        // not a terminal: missing fields are an error naming the option, and nothing is written
        let before = try dump(db)
        await #expect(throws: (any Error).self) { try await run(["visit", "log", "--kind", "fureai_watch"] + d) }
        await #expect(throws: (any Error).self) { try await run(["visit", "log", "--subject", "S-1", "--kind", "x"] + d) }
        await #expect(throws: ClientError.notLoggedIn) { try await run(["sync"] + d) }
        #expect(try dump(db) == before)
    }

    @Test("--data-dir wins over MIMAMORI_HOME, which wins over the platform default")
    func configuration() {
        let env = ["HOME": "/home/v", "MIMAMORI_HOME": "/srv/mm", "LANG": "ja_JP.UTF-8"]
        #expect(ClientConfiguration.resolve(dataDir: "/d", environment: env, interactive: false).dataDirectory.path == "/d")
        #expect(ClientConfiguration.resolve(dataDir: nil, environment: env, interactive: false).dataDirectory.path == "/srv/mm")
        #expect(ClientConfiguration.resolve(dataDir: nil, environment: env, interactive: false).language == .japanese)
        let plain = ClientConfiguration.resolve(dataDir: nil, environment: ["HOME": "/home/v", "LANG": "C"], interactive: false)
        #expect(plain.language == .english)
        #if os(Linux)
        #expect(plain.dataDirectory.path == "/home/v/.local/share/mimamori")
        #expect(ClientConfiguration.resolve(dataDir: nil, environment: ["HOME": "/home/v", "XDG_DATA_HOME": "/x"],
                                            interactive: false).dataDirectory.path == "/x/mimamori")
        #endif
    }
}
