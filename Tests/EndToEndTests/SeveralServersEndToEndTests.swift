import Foundation
import MimamoriClient
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

extension StoreKind {
    /// How many servers the end-to-end suites run over this store: two on one PostgreSQL database.
    var servers: Int { self == .postgres ? 2 : 1 }
}

@Suite("Several servers on one PostgreSQL, end to end", .serialized,
       .enabled(if: TestPostgres.adminURL != nil, Comment(rawValue: TestPostgres.skipReason)))
struct SeveralServersEndToEndTests {
    @Test("a server stops after applying a push whose reply is lost; the laptop retries against the other: nothing lost, nothing twice")
    func failover() async throws {
        let database = try await TestPostgres.freshDatabase()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-e2e-\(UUID().uuidString)")
        try await TestPostgres.withStore(database) { storeB in
            try await withRunningServer(ServerConfiguration(host: "127.0.0.1", port: 0), store: storeB) { urlB in
                // Given: two laptops, each with its token; the first talks to server A, the second to B.
                var laptops: [AppDatabase] = []
                var tokens: [IssuedToken] = []
                for i in 0..<2 {
                    let db = try AppDatabase.open(directory: root.appendingPathComponent("laptop-\(i)"), create: true)
                    try db.initReplica(visitorId: "visitor-\(i)", name: "訪問者\(i)", role: .fureaiMember,
                                       organization: "西校区ふれあいの会", district: "nishi")
                    tokens.append(try await storeB.issueToken(role: .visitor, name: "laptop-\(i)", districts: ["nishi"]))
                    laptops.append(db)
                }
                try laptops[1].login(server: urlB.absoluteString, token: tokens[1].secret)
                let laptop = laptops[0]
                let token = tokens[0]
                try laptop.addSubject(id: "S-1", fields: SubjectFields(name: "対象者", district: "nishi", cadenceDays: 30))
                for day in 1...5 {
                    _ = try laptop.logVisit(VisitFields(subjectId: "S-1", kind: .fureaiWatch, date: LocalDate("2025-06-0\(day)")!), today: .today())
                }

                // When: server A applies the laptop's push and stops before its reply arrives …
                let sequenceAfterA = try await TestPostgres.withStore(database) { storeA in
                    try await withRunningServer(ServerConfiguration(host: "127.0.0.1", port: 0), store: storeA) { urlA in
                        try laptop.login(server: urlA.absoluteString, token: token.secret)
                        let real = try SyncEngine.forLogin(database: laptop)
                        let lossy = SyncEngine(database: laptop, transport: FaultyTransport(real.transport, losePushReplies: [1]))
                        await #expect(throws: FaultyTransport.Dropped.self) { try await lossy.sync() }
                    }
                    return try await storeA.lastSequence()
                }
                #expect(try await storeB.allDocuments().count == 6, "server A committed the batch to the shared database")
                #expect(try laptop.pendingCount() == 6, "the laptop does not know it arrived")
                await #expect(throws: (any Error).self, "server A is gone") { try await SyncEngine.forLogin(database: laptop).sync() }

                // … and the laptop is sent to server B (as a load balancer would) and syncs again.
                try laptop.login(server: urlB.absoluteString, token: tokens[0].secret)
                let summary = try await SyncEngine.forLogin(database: laptop).sync()

                // Then: B answers the retried batch with the reply A stored; nothing is written twice or lost.
                #expect(summary.pushed == 6)
                #expect(try laptop.pendingCount() == 0)
                #expect(try await storeB.lastSequence() == sequenceAfterA, "the retry changed nothing")
                #expect(try await storeB.allDocuments().count == 6)
                try await SyncEngine.forLogin(database: laptops[1]).sync()
                #expect(try laptops[1].visits(VisitFilter()).count == 5, "the other laptop, on B, has every visit once")
                let counters = try await storeB.counters(fiscalYears: [2025])
                #expect(counters == (try await storeB.recount()))
                #expect(try laptops[1].counters() == counters)
            }
        }
    }
}
