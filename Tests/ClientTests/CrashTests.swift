import Foundation
import GRDB
import MimamoriShared
import Testing
@testable import MimamoriClient

/// The `mimamori` binary built beside this test bundle (`swift test` builds every product).
private let cli = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mimamori")

@Suite("Crash safety of the real process")
struct CrashTests {
    @Test("kill -9 in the middle of `visit log` never reuses a counter or leaves half a write")
    func killedMidWrite() throws {
        try #require(FileManager.default.isExecutableFile(atPath: cli.path), "build the mimamori product first (swift build)")
        let dir = temporaryDirectory()
        let db = try AppDatabase.open(directory: dir, create: true)
        try db.initReplica(visitorId: "V-001", name: "山田花子", role: .fureaiMember, district: "nishi")
        try db.encrypt(passphrase: "crash test passphrase", parameters: .testing)
        try db.addSubject(id: "S-1", fields: SubjectFields(name: "佐藤", district: "nishi"))
        // Unlocked for the session, as a visitor's laptop is.
        let runtime = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try db.keepUnlockedKey(in: KeyCache(directory: runtime.appendingPathComponent("mimamori"), place: .runtimeDirectory))

        func logProcess(_ note: String) throws -> Process {
            let p = Process()
            p.executableURL = cli
            p.arguments = ["visit", "log", "--data-dir", dir.path, "--subject", "S-1", "--kind", "fureai_watch", "--note", note]
            p.environment = ["PATH": "/usr/bin:/bin", "HOME": dir.path, "LANG": "C.UTF-8", "XDG_RUNTIME_DIR": runtime.path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        // How long one `visit log` takes on this machine and build, so the kills can land all through it: the
        // fastest of three (the first run of a fresh binary is slow, and a busy machine slows any one run).
        var micros = Int.max
        for i in 0..<3 {
            let start = ContinuousClock.now
            let timed = try logProcess("timed \(i)")
            timed.waitUntilExit()
            #expect(timed.terminationStatus == 0)
            let took = ContinuousClock.now - start
            micros = min(micros, Int(took.components.seconds) * 1_000_000 + Int(took.components.attoseconds / 1_000_000_000_000))
        }

        // Given: `visit log` processes killed with SIGKILL at random moments, some before, some during, some
        // after their write transaction.
        var rng = SeededRandom(seed: 2026)
        for i in 0..<30 {
            let p = try logProcess("try \(i)")
            usleep(UInt32(Int.random(in: micros / 5...micros * 3 / 2, using: &rng)))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }

        // Then: the file is sound, every write that committed is whole (version, history, outbox, counters),
        // and no counter value was used twice.
        #expect(try db.writer.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let visits = try db.visits(VisitFilter())
        var dots: [UInt64] = [1]  // the subject
        for v in visits { dots += try db.visitDetail(id: v.visit.id).history.map(\.dot.counter) }
        #expect(Set(dots).count == dots.count, "a counter was used twice: \(dots.sorted())")
        #expect(try db.pendingCount() == visits.count + 1)
        #expect(visits.count > 3 && visits.count < 33, "some processes were killed before committing, some after: \(visits.count - 3) of 30 committed")
        #expect(try db.counters() == db.recount())
        let replica = try db.requireReplica()
        #expect(UInt64(replica.counter) == dots.max()!)

        // And the next write carries on from the highest counter used.
        let next = try db.logVisit(VisitFields(subjectId: "S-1", kind: .fureaiWatch))
        #expect(try db.visitDetail(id: next.id).display.dot.counter == dots.max()! + 1)
    }
}
