import Foundation
import MimamoriClient
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("PostgreSQL restarts in the middle of a sync", .serialized,
       .enabled(if: RestartableCluster.script != nil, Comment(rawValue: RestartableCluster.skipReason)))
struct PostgresRestartEndToEndTests {
    @Test("PostgreSQL stops between a laptop's push and its pull and starts again: the sync fails cleanly, the next one completes, nothing lost or twice",
          .timeLimit(.minutes(2)))
    func restartMidSync() async throws {
        // A cluster of this test's own: stopping the shared one would cut off the suites running beside it.
        let cluster = try await RestartableCluster.start("restart-\(UUID().uuidString.prefix(8).lowercased())")
        let database = try await PostgresSyncStore.createDatabase("mimamori_restart", at: cluster.admin)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-e2e-\(UUID().uuidString)")
        try await TestPostgres.withStore(database) { store in
            // Requests give up on the database after 3 s rather than 10, to keep the test short.
            let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, databaseWait: .seconds(3))
            try await withRunningServer(configuration, store: store) { url in
                // Given: two laptops with a subject and ten visits each; the second has synced already.
                var made: [AppDatabase] = []
                for i in 0..<2 {
                    let laptop = try AppDatabase.open(directory: root.appendingPathComponent("laptop-\(i)"), create: true)
                    try laptop.initReplica(visitorId: "visitor-\(i)", name: "訪問者\(i)", role: .fureaiMember,
                                           organization: "西校区ふれあいの会", district: "nishi")
                    let token = try await store.issueToken(role: .visitor, name: "laptop-\(i)", districts: ["nishi"])
                    try laptop.login(server: url.absoluteString, token: token.secret)
                    try laptop.addSubject(id: "S-\(i)", fields: SubjectFields(name: "対象者\(i)", district: "nishi", cadenceDays: 30))
                    for day in 1...10 {
                        _ = try laptop.logVisit(VisitFields(subjectId: "S-\(i)", kind: .fureaiWatch,
                                                            date: LocalDate("2025-06-\(String(format: "%02d", day))")!), today: .today())
                    }
                    made.append(laptop)
                }
                let laptops = made
                try await Self.sync(laptops[1])

                // When: PostgreSQL stops (fast, cutting every session) right after the first laptop's push is
                // applied, before its pull …
                let stopping = try StopAfterPush(Self.engine(laptops[0]).transport) { try await cluster.stop() }
                await #expect("the sync fails while PostgreSQL is down, with the server saying so") {
                    try await Self.sync(laptops[0], through: stopping)
                } throws: { Self.isDatabaseUnavailable($0) }
                #expect(try laptops[0].pendingCount() == 0, "the push was answered before PostgreSQL stopped")
                #expect(try laptops[0].visits(VisitFilter()).count == 10, "the other laptop's visits have not arrived")

                // … and a push made while it is down is refused, the laptop keeping its work.
                _ = try laptops[1].logVisit(VisitFields(subjectId: "S-1", kind: .fureaiWatch, date: LocalDate("2025-06-11")!), today: .today())
                let batch = try #require(try laptops[1].nextPushBatch(limit: API.maxBatchSize))
                await #expect("no reply but 503 database_unavailable while PostgreSQL is down") {
                    _ = try await withTimeout(.seconds(30)) { try await Self.engine(laptops[1]).transport.push(batch) }
                } throws: { Self.isDatabaseUnavailable($0) }
                #expect(try laptops[1].pendingCount() == 1)

                // Then: PostgreSQL starts again on the same data and port, and the next syncs complete.
                try await cluster.start()
                try await Self.sync(laptops[0])
                try await Self.sync(laptops[1])
                try await Self.sync(laptops[0])

                // Every document once, on the server and on both laptops; totals equal a recount everywhere.
                let documents = try await store.allDocuments()
                #expect(documents.count == 2 + 21)
                #expect(documents.values.allSatisfy { $0.count == 1 }, "no version twice, no conflict made by a retry")
                let counters = try await store.counters(fiscalYears: [2025])
                #expect(counters == (try await store.recount()))
                for laptop in laptops {
                    #expect(try laptop.pendingCount() == 0)
                    #expect(try laptop.visits(VisitFilter()).count == 21)
                    #expect(try laptop.counters() == counters)
                }
            }
        }
        try? await cluster.stop()
    }

    static func isDatabaseUnavailable(_ error: any Error) -> Bool {
        if case let ClientError.server(status, code, _)? = error as? ClientError { return status == 503 && code == "database_unavailable" }
        return false
    }

    /// A laptop's sync engine, its requests timing out after 15 s rather than URLSession's minute.
    static func engine(_ laptop: AppDatabase) throws -> SyncEngine {
        let login = try SyncEngine.forLogin(database: laptop)
        guard let http = login.transport as? HTTPTransport else { return login }
        return SyncEngine(database: laptop, transport: HTTPTransport(baseURL: http.baseURL, token: http.token,
                                                                     replicaId: http.replicaId, timeout: 15))
    }

    /// One sync, which may not take more than 45 s: a hang fails the test instead of the CI run.
    static func sync(_ laptop: AppDatabase, through transport: (any SyncTransport)? = nil) async throws {
        let engine = try transport.map { SyncEngine(database: laptop, transport: $0) } ?? engine(laptop)
        _ = try await withTimeout(.seconds(45)) { try await engine.sync() }
    }
}

/// The laptop's transport, with PostgreSQL stopped as soon as the first push has been answered.
final class StopAfterPush: SyncTransport, @unchecked Sendable {
    let inner: any SyncTransport
    let stop: @Sendable () async throws -> Void
    private let lock = NSLock()
    private var stopped = false

    init(_ inner: any SyncTransport, stop: @escaping @Sendable () async throws -> Void) {
        self.inner = inner
        self.stop = stop
    }

    func health() async throws -> HealthResponse { try await inner.health() }
    func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport { try await inner.totals(fiscalYear: fiscalYear, language: language) }
    func changes(since: Int64, limit: Int) async throws -> ChangesResponse { try await inner.changes(since: since, limit: limit) }

    func push(_ request: PushRequest) async throws -> PushResponse {
        let reply = try await inner.push(request)
        let first = lock.withLock { defer { stopped = true }; return !stopped }
        if first { try await stop() }
        return reply
    }
}
