import Foundation
import GRDB
@testable import MimamoriClient
import MimamoriShared
import Testing

/// Fixed dates so tests do not depend on the day they run.
let today = LocalDate(year: 2025, month: 6, day: 30)!

/// A fresh in-memory database with a replica and one subject.
func makeDatabase(visitor: String = "V-001", role: VisitorRole = .fureaiMember) throws -> AppDatabase {
    let db = try AppDatabase.inMemory()
    try db.initReplica(visitorId: visitor, name: "山田花子", role: role, organization: "西校区ふれあいの会", district: "nishi")
    try db.addSubject(id: "S-0001", fields: SubjectFields(name: "佐藤一郎", district: "nishi", cadenceDays: 14), today: today)
    return db
}

/// A temporary folder path (not created), removed by the caller.
func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-tests-\(UUID().uuidString)")
}

/// Every row of every table, as text: two dumps are equal exactly when the database content is the same.
func dump(_ db: AppDatabase) throws -> [String] {
    try db.writer.read { d in
        let tables = try String.fetchAll(d, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        var lines: [String] = []
        for t in tables {
            for row in try Row.fetchAll(d, sql: "SELECT * FROM \"\(t)\" ORDER BY 1") {
                lines.append("\(t): \(row.description)")
            }
        }
        return lines
    }
}

/// Outbox rows as (document id, dot counter, state).
func outbox(_ db: AppDatabase) throws -> [(id: String, counter: Int64, state: String)] {
    try db.writer.read { d in
        try Row.fetchAll(d, sql: "SELECT document_id, dot_counter, state FROM outbox ORDER BY seq").map {
            (id: $0["document_id"], counter: $0["dot_counter"], state: $0["state"])
        }
    }
}

/// Test double of the sync server: keeps each document's version set with the shared merge rule, a change
/// sequence, and replayable batches — the contract of SYNC.md, in memory. The real server is covered by the
/// end-to-end tests.
actor FakeServer {
    var epoch = "epoch-1"
    var documents: [String: VersionSet] = [:]
    var sequenceOf: [String: Int64] = [:]
    var lastSequence: Int64 = 0
    var replies: [String: PushResponse] = [:]
    var batchesReceived: [PushRequest] = []
    /// When set, the next push is applied but its reply is "lost" (the transport throws).
    var loseNextReply = false
    /// Document ids whose pushes are rejected.
    var rejectIds: Set<String> = []

    /// Document ids that make the whole batch fail with 400, as a server that cannot decode a record might.
    var poisonIds: Set<String> = []

    func setLoseNextReply() { loseNextReply = true }
    func poison(_ id: String) { poisonIds.insert(id) }
    func reject(_ id: String) { rejectIds.insert(id) }

    /// Simulates a restore from an empty backup: a new epoch and nothing held.
    func restoreEmpty() {
        epoch = "epoch-\(UUID().uuidString.prefix(6))"
        documents = [:]; sequenceOf = [:]; lastSequence = 0; replies = [:]
    }

    func push(_ request: PushRequest) throws -> PushResponse {
        batchesReceived.append(request)
        if request.versions.contains(where: { poisonIds.contains($0.documentId) }) {
            throw ClientError.server(status: 400, code: "invalid_json", message: "versions[0].payload: cannot decode")
        }
        if let previous = replies[request.batchId] { return previous }
        var results: [PushResult] = []
        for v in request.versions {
            if rejectIds.contains(v.documentId) {
                results.append(PushResult(documentId: v.documentId, dot: v.dot, outcome: .rejected, code: "out_of_scope",
                                          message: "not your district"))
                continue
            }
            var set = documents[v.documentId] ?? VersionSet()
            let outcome = try set.apply(v)
            if outcome != .known {
                documents[v.documentId] = set
                lastSequence += 1
                sequenceOf[v.documentId] = lastSequence
            }
            results.append(PushResult(documentId: v.documentId, dot: v.dot, outcome: outcome))
        }
        let reply = PushResponse(batchId: request.batchId, epoch: epoch, results: results)
        replies[request.batchId] = reply
        if loseNextReply {
            loseNextReply = false
            throw ClientError.network("reply lost (test)")
        }
        return reply
    }

    func changes(since: Int64, limit: Int) -> ChangesResponse {
        let changed = sequenceOf.filter { $0.value > since }.sorted { $0.value < $1.value }
        let page = changed.prefix(limit)
        let changes = page.map { id, seq in
            DocumentChange(sequence: seq, documentId: id, type: documents[id]!.versions[0].type, versions: documents[id]!.versions)
        }
        return ChangesResponse(epoch: epoch, changes: changes, nextSince: page.last?.value ?? since,
                               hasMore: changed.count > page.count)
    }

    func counters() -> [CounterKey: Int] { IndicatorCounting.recount(displays: documents.values.compactMap(\.display)) }
    func health() -> HealthResponse { HealthResponse(epoch: epoch) }
}

struct FakeTransport: SyncTransport {
    let server: FakeServer
    func health() async throws -> HealthResponse { await server.health() }
    func push(_ request: PushRequest) async throws -> PushResponse { try await server.push(request) }
    func changes(since: Int64, limit: Int) async throws -> ChangesResponse { await server.changes(since: since, limit: limit) }
    func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport {
        TotalsReport.make(fiscalYear: FiscalYear(fiscalYear), asOf: today, counters: await server.counters(), language: language)
    }
}

/// The `mimamori` binary of this build, beside the test bundle.
let mimamoriBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mimamori")

/// Runs the real `mimamori` with exactly `environment`, no standard input, and returns its exit status and
/// everything it printed (stdout and stderr together, as a person at a terminal would read it).
func runMimamori(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
    try #require(FileManager.default.isExecutableFile(atPath: mimamoriBinary.path), "build the mimamori product first (swift build)")
    let p = Process()
    p.executableURL = mimamoriBinary
    p.arguments = arguments
    p.environment = environment
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
