import Crypto
import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

private let binary = mimamoriBinary

/// Whether `text` appears in `bytes` as UTF-8, UTF-16LE or UTF-16BE: what a search of a lost laptop's disk
/// would try.
func contains(_ bytes: Data, _ text: String) -> Bool {
    let encodings: [Data] = [Data(text.utf8), text.data(using: .utf16LittleEndian)!, text.data(using: .utf16BigEndian)!]
    return encodings.contains { bytes.range(of: $0) != nil }
}

/// The database file and its WAL, as a finder of the laptop would copy them.
func fileAndWAL(_ dir: URL) -> Data {
    let file = dir.appendingPathComponent(AppDatabase.fileName).path
    return ["", "-wal"].reduce(into: Data()) { all, suffix in
        if let data = FileManager.default.contents(atPath: file + suffix) { all += data }
    }
}

@Suite("A lost laptop gives nothing away")
struct EncryptionTests {
    static let passphrase = "ひまわり畑で待ち合わせ"

    /// A data folder with a sealed database, a visitor, a subject, a visit with a note, and a token.
    func makeSealedFolder() throws -> (URL, AppDatabase) {
        let dir = temporaryDirectory()
        let db = try AppDatabase.open(directory: dir, create: true)
        try db.initReplica(visitorId: "V-001", name: "山田花子", role: .fureaiMember, district: "nishi")
        try db.encrypt(passphrase: Self.passphrase, parameters: .testing)
        try db.login(server: "http://127.0.0.1:9", token: "mmr_secret_token_0123456789")
        try db.addSubject(id: "S-0001", fields: SubjectFields(name: "佐藤一郎", district: "nishi", cadenceDays: 14), today: today)
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: LocalDate(year: 2025, month: 6, day: 2)!,
                                    note: "ポストに新聞がたまっていた"), today: today)
        return (dir, db)
    }

    @Test("names, notes and the token are sealed in the file and its WAL; the visitor's data reads back whole")
    func sealedAtRest() throws {
        let (dir, db) = try makeSealedFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bytes = fileAndWAL(dir)
        for secret in ["佐藤一郎", "ポストに新聞がたまっていた", "mmr_secret_token_0123456789"] {
            #expect(!contains(bytes, secret), "\(secret) readable in the database file or WAL")
        }
        // The search does find what is in clear (the visitor's own name), so it is not vacuous.
        #expect(contains(bytes, "山田花子"))
        #expect(try db.visits().first?.visit.note == "ポストに新聞がたまっていた")
        #expect(try db.serverSettings()?.token == "mmr_secret_token_0123456789")
        // Each write has its own nonce: the same text sealed twice differs.
        let a = try Sealing.seal(Data("同じ".utf8), .versionJSON, key: .init(size: .bits256))
        #expect(a.count == 1 + 12 + 6 + 16)
    }

    @Test("a database sealed by a release before AES-GCM (ChaChaPoly, format 0x01) opens and reads back whole; new writes are sealed with AES-GCM (0x02) beside the old")
    func chaChaPolyDatabaseStillOpens() throws {
        let (dir, first) = try makeSealedFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Every sealed value rewritten as those releases stored it: 0x01 ‖ ChaChaPoly's combined box, same key,
        // same associated data — the vault's wrapped key too.
        func chaChaPoly(_ sealed: Data, _ purpose: Sealing.Purpose, key: SymmetricKey) throws -> Data {
            let plain = try Sealing.open(sealed, purpose, key: key)
            return Data([0x01]) + (try ChaChaPoly.seal(plain, using: key, authenticating: Data(purpose.rawValue.utf8))).combined
        }
        func chaChaPolyText(_ sealed: String, _ purpose: Sealing.Purpose, key: SymmetricKey) throws -> String {
            let bytes = try #require(Data(base64Encoded: String(sealed.dropFirst(Sealing.textPrefix.count))))
            return Sealing.textPrefix + (try chaChaPoly(bytes, purpose, key: key)).base64EncodedString()
        }
        try first.writer.write { d in
            let key = try #require(Keyring.of(d)?.key)
            for row in try Row.fetchAll(d, sql: "SELECT id, json FROM version") {
                try d.execute(sql: "UPDATE version SET json = ? WHERE id = ?",
                              arguments: [chaChaPoly(row["json"], .versionJSON, key: key), row["id"] as Int64])
            }
            for row in try Row.fetchAll(d, sql: "SELECT id, name FROM subject_index") {
                try d.execute(sql: "UPDATE subject_index SET name = ? WHERE id = ?",
                              arguments: [chaChaPolyText(row["name"], .subjectName, key: key), row["id"] as String])
            }
            let token = try #require(try String.fetchOne(d, sql: "SELECT token FROM replica"))
            try d.execute(sql: "UPDATE replica SET token = ?", arguments: [chaChaPolyText(token, .token, key: key)])
            var vault = try #require(try Vault.fetchOne(d))
            let wrapping = try vault.parameters.derive(passphrase: Self.passphrase, salt: vault.salt)
            vault.wrappedKey = try chaChaPoly(vault.wrappedKey, .dataKey, key: wrapping)
            try vault.update(d)
        }
        let db = try AppDatabase.open(directory: dir)
        _ = try db.unlock(passphrase: Self.passphrase)
        #expect(try db.visits().first?.visit.note == "ポストに新聞がたまっていた")
        #expect(try db.subjects().first?.subject.name == "佐藤一郎")
        #expect(try db.due(today: LocalDate(year: 2025, month: 7, day: 30)!).first?.subject?.name == "佐藤一郎")
        #expect(try db.serverSettings()?.token == "mmr_secret_token_0123456789")
        try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch, date: LocalDate(year: 2025, month: 6, day: 9)!,
                                    note: "二度目の訪問"), today: today)
        let formats = try db.writer.read { try Data.fetchAll($0, sql: "SELECT json FROM version ORDER BY id") }.map(\.first)
        #expect(formats.first == 0x01 && formats.last == 0x02)
        #expect(Set(try db.visits().compactMap(\.visit.note)) == ["ポストに新聞がたまっていた", "二度目の訪問"])
    }

    @Test("pulled versions sealed by the fetching task are stored as they came; sealed under another key, the write seals them again")
    func presealedPages() throws {
        let (dir, db) = try makeSealedFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = try #require(db.keyring.key)
        func pulled(note: String, sequence: Int64, under sealingKey: SymmetricKey) throws -> AppDatabase.PulledPage {
            let replica = DocumentID.make()
            let visit = Visit(id: DocumentID.make(), kind: .fureaiWatch, method: .homeVisit, date: today, visitorId: "V-002",
                              visitorRole: .fureaiMember, subjectId: "S-0001", district: "nishi", outcome: .safetyConfirmed,
                              note: note)
            let version = Version(payload: .visit(visit), deleted: false, vector: VersionVector([replica: 1]),
                                  dot: Dot(replica: replica, counter: 1), author: "V-002", writtenAt: Timestamp(milliseconds: 1_750_000_000_000))
            let received = ReceivedChanges(ChangesResponse(epoch: "e1", changes: [
                DocumentChange(sequence: sequence, documentId: visit.id, type: .visit, versions: [version]),
            ], nextSince: sequence, hasMore: false))
            return AppDatabase.PulledPage(received: received, presealed: try Sealing.seal(received, key: Sealing.TaskKey(key: sealingKey)))
        }
        let ahead = try pulled(note: "先に封をした", sequence: 1, under: key)
        let stranger = try pulled(note: "別の鍵で封をした", sequence: 2, under: SymmetricKey(size: .bits256))
        _ = try db.applyPulledPages([ahead, stranger])
        let stored = try db.read { try Data.fetchAll($0, sql: "SELECT json FROM version ORDER BY id") }
        #expect(stored.contains(try #require(ahead.presealed?.json.first?.first)), "the bytes sealed ahead are the bytes stored")
        #expect(!stored.contains(try #require(stranger.presealed?.json.first?.first)))
        #expect(stored.allSatisfy { $0.first == Sealing.Format.aesGCM.rawValue })
        let notes = Set(try db.visits().compactMap(\.visit.note))
        #expect(notes.isSuperset(of: ["先に封をした", "別の鍵で封をした"]), "\(notes)")
        #expect(!contains(fileAndWAL(dir), "先に封をした") && !contains(fileAndWAL(dir), "別の鍵で封をした"))
    }

    @Test("opened again, the database is locked: names need the key; due, totals and status work without it")
    func lockedWithoutKey() throws {
        let (dir, first) = try makeSealedFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let expectedTotals = try first.localTotals(fiscalYear: FiscalYear(2025), asOf: today)
        let db = try AppDatabase.open(directory: dir)
        #expect(!db.isUnlocked)
        #expect(throws: ClientError.locked) { try db.subjects() }
        #expect(throws: ClientError.locked) { try db.visits() }
        #expect(throws: ClientError.locked) { try db.serverSettings() }
        #expect(throws: ClientError.locked) {
            try db.logVisit(VisitFields(subjectId: "S-0001", kind: .fureaiWatch), today: today)
        }
        let due = try db.due(today: LocalDate(year: 2025, month: 7, day: 30)!)
        #expect(due.map(\.subjectId) == ["S-0001"])
        #expect(due.first?.subject == nil)
        #expect(try db.localTotals(fiscalYear: FiscalYear(2025), asOf: today) == expectedTotals)
        #expect(try db.status().visits == 1)
        try db.unlock(passphrase: Self.passphrase)
        #expect(try db.due(today: LocalDate(year: 2025, month: 7, day: 30)!).first?.subject?.name == "佐藤一郎")
    }

    @Test("locked, status still counts this month's activities and the unsent ones; a deleted document's changes need the key to be told apart")
    func statusLockedCountsActivities() throws {
        let (dir, db) = try makeSealedFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try db.logActivity(ActivityFields(category: "survey", note: "自治会長と打ち合わせ"), today: today)
        let gone = try db.logActivity(ActivityFields(category: "liaison"), today: today)
        try db.deleteActivity(id: gone.id)
        let unlocked = try db.status(today: today)
        #expect(unlocked.activitiesThisMonth == 1 && unlocked.visitsThisMonth == 1)
        #expect(unlocked.pendingActivities == 3 && unlocked.pendingVisits == 1 && unlocked.pendingChanges == 5)
        let locked = try AppDatabase.open(directory: dir)
        #expect(!locked.isUnlocked)
        let s = try locked.status(today: today)
        #expect(s.activitiesThisMonth == 1 && s.visitsThisMonth == 1 && s.pendingChanges == 5)
        #expect(s.pendingActivities == 1, "a deleted activity is listed nowhere and its type is sealed: its two changes are not told apart")
    }

    @Test("the server's reason for a refusal, which may quote a note, is sealed too; locked, status shows its code")
    func rejectionSealed() throws {
        let (dir, db) = try makeSealedFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let batch = try #require(try db.nextPushBatch())
        let version = try #require(try batch.request.versions.first)
        try db.recordPushReply(PushResponse(batchId: batch.batchId, epoch: "e", results: [
            PushResult(documentId: version.documentId, dot: version.dot, outcome: .rejected, code: "invalid_record",
                       message: "note: 'ポストに新聞がたまっていた' is not accepted"),
        ]))
        #expect(try db.rejectedChanges().first?.message == "note: 'ポストに新聞がたまっていた' is not accepted")
        #expect(!contains(fileAndWAL(dir), "ポストに新聞がたまっていた"))
        let locked = try AppDatabase.open(directory: dir)
        #expect(try locked.status().rejected.map(\.code) == ["invalid_record"])
        #expect(try locked.status().rejected.map(\.message) == [""])
    }

    @Test("a wrong passphrase is refused and writes nothing")
    func wrongPassphrase() throws {
        let (dir, first) = try makeSealedFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try first.writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let db = try AppDatabase.open(directory: dir)
        let before = fileAndWAL(dir)
        #expect(throws: ClientError.wrongPassphrase) { try db.unlock(passphrase: "ひまわり畑で待ち合わせ!") }
        #expect(!db.isUnlocked)
        #expect(fileAndWAL(dir) == before)
    }

    @Test("a v1 database is sealed on upgrade with nothing lost, and no clear text left in the file or WAL")
    func upgradeV1() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: MigrationTests.fixtures.appendingPathComponent("v1-laptop.sqlite"),
                                         to: dir.appendingPathComponent(AppDatabase.fileName))
        let db = try AppDatabase.open(directory: dir)
        #expect(try !db.isEncrypted)
        let before = try V1Observed.of(db)
        let names = before.subjects.map(\.subject.name)
        let notes = before.documents.flatMap(\.history).compactMap { $0.payload.visit?.note } + before.documents.flatMap(\.history).compactMap { $0.payload.subject?.note }
        #expect(!names.isEmpty && !notes.isEmpty)
        #expect(names.contains { contains(fileAndWAL(dir), $0) }, "the fixture holds names in clear before the upgrade")

        let held = try db.writer.read { try StoredVersion.fetchCount($0) }
        let result = try db.encrypt(passphrase: Self.passphrase, parameters: .testing)
        #expect(result.versions == held)
        #expect(try V1Observed.of(db) == before)
        let bytes = fileAndWAL(dir)
        for secret in Set(names + notes) { #expect(!contains(bytes, secret), "\(secret) left in clear") }

        let reopened = try AppDatabase.open(directory: dir)
        #expect(throws: ClientError.locked) { try reopened.subjects() }
        try reopened.unlock(passphrase: Self.passphrase)
        #expect(try V1Observed.of(reopened) == before)
        #expect(try reopened.counters() == reopened.recount())
    }

    // MARK: The command line

    func run(_ arguments: [String], _ dir: URL, passphrase: String? = nil, runtime: URL? = nil) throws -> (status: Int32, output: String) {
        var environment = ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "HOME": dir.path, "MIMAMORI_HOME": dir.path]
        if let passphrase { environment["MIMAMORI_PASSPHRASE"] = passphrase }
        if let runtime { environment["XDG_RUNTIME_DIR"] = runtime.path }
        return try runMimamori(arguments, environment: environment)
    }

    @Test("init sets the passphrase; the key is kept for the session; lock forgets it; without a terminal or MIMAMORI_PASSPHRASE a name-showing command says how to unlock, due still works")
    func sessionAndLock() throws {
        let dir = temporaryDirectory()
        let runtime = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir); try? FileManager.default.removeItem(at: runtime) }
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let secret = "mimamori test passphrase"
        let noTerminal = try run(["init", "--visitor-id", "V-1", "--name", "山田", "--role", "fureai_member"], dir, runtime: runtime)
        #expect(noTerminal.status != 0)
        #expect(noTerminal.output.contains("MIMAMORI_PASSPHRASE"))
        let made = try run(["init", "--visitor-id", "V-1", "--name", "山田", "--role", "fureai_member"], dir, passphrase: secret, runtime: runtime)
        #expect(made.status == 0, "\(made.output)")
        // The key is kept for the session, mode 0600, in a folder of its own: later commands need no passphrase.
        let kept = try FileManager.default.contentsOfDirectory(atPath: runtime.appendingPathComponent("mimamori").path)
        #expect(kept.count == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: runtime.appendingPathComponent("mimamori/\(kept[0])").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try run(["subject", "add", "--id", "S-1", "--name", "佐藤一郎", "--district", "nishi", "--cadence-days", "7"], dir, runtime: runtime).status == 0)
        #expect(try run(["subject", "list"], dir, runtime: runtime).output.contains("佐藤一郎"))

        let locked = try run(["lock"], dir, runtime: runtime)
        #expect(locked.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: runtime.appendingPathComponent("mimamori").path).isEmpty)
        let refused = try run(["subject", "list"], dir, runtime: runtime)
        #expect(refused.status != 0)
        #expect(refused.output.contains("locked") && refused.output.contains("MIMAMORI_PASSPHRASE"), "\(refused.output)")
        #expect(!refused.output.contains("佐藤一郎"))
        let due = try run(["due"], dir, runtime: runtime)
        #expect(due.status == 0)
        #expect(due.output.contains("S-1") && due.output.contains("(locked)") && !due.output.contains("佐藤一郎"))
        #expect(try run(["totals", "--fy", "2025"], dir, runtime: runtime).status == 0)

        let wrong = try run(["subject", "list"], dir, passphrase: "not the passphrase", runtime: runtime)
        #expect(wrong.status != 0)
        #expect(wrong.output.contains("wrong passphrase"))
        #expect(try run(["subject", "list"], dir, passphrase: secret, runtime: runtime).output.contains("佐藤一郎"))
    }

    @Test("a forgotten passphrase: init --forgot-passphrase first says how many unsent changes would be lost")
    func forgotten() throws {
        let dir = temporaryDirectory()
        let runtime = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir); try? FileManager.default.removeItem(at: runtime) }
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let initArgs = ["init", "--visitor-id", "V-1", "--name", "山田", "--role", "fureai_member"]
        #expect(try run(initArgs, dir, passphrase: "the first passphrase", runtime: runtime).status == 0)
        #expect(try run(["subject", "add", "--id", "S-1", "--name", "佐藤一郎", "--district", "nishi"], dir, runtime: runtime).status == 0)
        let refused = try run(initArgs + ["--forgot-passphrase"], dir, passphrase: "a new passphrase", runtime: runtime)
        #expect(refused.status != 0)
        #expect(refused.output.contains("1 change made on this laptop has not been sent"), "\(refused.output)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(AppDatabase.fileName).path))
    }
}
