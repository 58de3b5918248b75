import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

/// Two servers, each with its own connection pool and nothing else, on one PostgreSQL database.
@Suite("Several servers on one PostgreSQL", .enabled(if: TestPostgres.adminURL != nil, Comment(rawValue: TestPostgres.skipReason)))
struct SeveralServersTests {
    /// Runs `body` with two applications (in-process) over two stores on one fresh database.
    static func twoServers(_ body: @escaping @Sendable (_ a: ServerFixture, _ clientA: any TestClientProtocol,
                                                         _ b: PostgresSyncStore, _ clientB: any TestClientProtocol) async throws -> Void) async throws {
        let url = try await TestPostgres.freshDatabase()
        try await TestPostgres.withStore(url) { storeA in
            try await TestPostgres.withStore(url) { storeB in
                let fixture = try await ServerFixture(store: storeA)
                let appA = buildApplication(fixture.configuration, store: storeA)
                let appB = buildApplication(fixture.configuration, store: storeB)
                try await appA.test(.router) { clientA in
                    try await appB.test(.router) { clientB in
                        try await body(fixture, clientA, storeB, clientB)
                    }
                }
            }
        }
    }

    @Test("pushes racing through two servers: a client pulling all along misses no change and sees none twice; counters equal a recount")
    func exactFeedUnderConcurrency() async throws {
        try await Self.twoServers { fx, clientA, storeB, clientB in
            // Given: four laptops, each with its own token, two pushing through each server, and a reader.
            let writers = 4
            let batches = 30
            var tokens: [IssuedToken] = []
            for i in 0..<writers { tokens.append(try await fx.store.issueToken(role: .visitor, name: "laptop-\(i)", districts: ["nishi"])) }
            let reader = try await storeB.issueToken(role: .visitor, name: "reader", districts: ["nishi"])
            let done = Flag()

            // When: every laptop pushes its batches (1 to 3 new visits each, some also editing one of its own)
            // at once, while the reader pulls small pages from server A over and over until all are done.
            async let pulled: [Int64: String] = {
                var seen: [Int64: String] = [:]
                var since: Int64 = 0
                var finalRound = false
                while true {
                    let wasDone = done.value
                    let response = try await clientA.changes(since: since, limit: 7, token: reader, replica: "reader")
                    #expect(response.status == .ok, "pull answered \(response.status)")
                    let page = try response.decode(ChangesResponse.self)
                    for change in page.changes {
                        #expect(change.sequence > since, "sequences only grow along the feed")
                        #expect(seen[change.sequence] == nil, "sequence \(change.sequence) seen twice")
                        seen[change.sequence] = change.documentId
                    }
                    since = page.nextSince
                    if !page.hasMore {
                        if finalRound { return seen }
                        if wasDone { finalRound = true }
                    }
                }
            }()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    let client = w % 2 == 0 ? clientA : clientB
                    let token = tokens[w]
                    group.addTask {
                        let replica = "laptop-\(w)"
                        var counter: UInt64 = 0
                        var previous: Version?
                        for b in 0..<batches {
                            var versions: [Version] = []
                            for k in 0..<(1 + (w + b) % 3) {
                                counter += 1
                                versions.append(Fixture.create(Fixture.visit("visit-\(w)-\(b)-\(k)", date: "2025-0\(4 + k)-1\(w)"),
                                                               replica: replica, counter: counter))
                            }
                            // Every fourth batch also edits a visit of the batch before: an update re-sequences it.
                            if b % 4 == 3, let old = previous {
                                counter += 1
                                versions.append(try Fixture.edit([old], Fixture.visit(old.documentId, kind: .minseiWatch), replica: replica, counter: counter))
                            }
                            previous = versions[0]
                            let results = try await client.pushOK(versions, replica: replica, token: token)
                            #expect(results.allSatisfy { $0.outcome == .new }, "\(results)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            done.set()
            let seen = try await pulled

            // Then: the reader saw every document at its final sequence — had a push committed below a sequence
            // the reader had already passed, its document would be missing here — and nothing twice.
            let documents = try await fx.store.allDocuments()
            let final = try await storeB.changes(since: 0, limit: 100_000, districts: ["nishi"])
            #expect(final.changes.count == documents.count)
            for change in final.changes {
                #expect(seen[change.sequence] == change.documentId, "the reader missed \(change.documentId) at sequence \(change.sequence)")
            }
            #expect(Set(seen.values) == Set(documents.keys))
            #expect(try await storeB.lastSequence() == (try await fx.store.lastSequence()))
            #expect(try await fx.store.counters(fiscalYears: [2025]) == (try await storeB.recount()))
            #expect(!(try await fx.store.counters(fiscalYears: [2025])).isEmpty)
            // The dashboard's 校区 counters, kept in the same pushes, equal the recount too.
            #expect(try await storeB.dashboardCounters(fiscalYears: [2025], districts: ["nishi"]) == (try await storeB.recount()))
            let laptops = try await fx.store.laptops(districts: ["nishi"])
            #expect(laptops.filter { $0.lastPushAt != nil }.count == writers, "every laptop's last push is recorded, whichever server took it")
        }
    }

    @Test("pushes of the same documents racing through two servers, some sent through both at once, end with the documents, conflicts and counters of the same batches pushed one after another")
    func sameDocumentsRacing() async throws {
        // Given: four laptops that each write all of 24 shared visits, in every round, editing their own version
        // of each (so the laptops' versions are concurrent: every visit ends in conflict, whatever the order); each
        // batch names the visits in its own order, and the last round deletes some. The outcome of a merge does not
        // depend on the order batches arrive in, so a serial run is the reference.
        let writers = 4
        let rounds = 5
        let shared = 24
        var batches: [[PushRequest]] = []
        for w in 0..<writers {
            let replica = "laptop-\(w)"
            var counter: UInt64 = 0
            var own: [Int: Version] = [:]
            var requests: [PushRequest] = []
            for r in 0..<rounds {
                var order = Array(0..<shared).map { ($0 * (2 * w + 1) + r * 7) % shared }
                if (w + r) % 2 == 1 { order.reverse() }
                var versions: [Version] = []
                for d in order {
                    counter += 1
                    let payload = Fixture.visit("shared-\(d)", kind: (d + w + r) % 3 == 0 ? .minseiWatch : .fureaiWatch,
                                                date: "2025-0\(4 + (d + w) % 5)-1\(r)")
                    var version = Fixture.create(payload, replica: replica, counter: counter)
                    if let previous = own[d] {
                        version = try Fixture.edit([previous], payload, replica: replica, counter: counter, deleted: r == rounds - 1 && (d + w) % 4 == 0)
                    }
                    own[d] = version
                    versions.append(version)
                }
                requests.append(PushRequest(batchId: "\(replica)-round-\(r)", replicaId: replica, versions: versions))
            }
            batches.append(requests)
        }
        let allBatches = batches

        // When: the four push at once, two through each server, and every other round is sent through both servers
        // at once (a retry racing its first sending); then the same batches one after another into a fresh database.
        try await Self.twoServers { fx, clientA, storeB, clientB in
            var tokens: [IssuedToken] = []
            for i in 0..<writers { tokens.append(try await fx.store.issueToken(role: .visitor, name: "laptop-\(i)", districts: ["nishi"])) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    let (client, other) = w % 2 == 0 ? (clientA, clientB) : (clientB, clientA)
                    let token = tokens[w]
                    group.addTask {
                        for (r, request) in allBatches[w].enumerated() {
                            if r % 2 == 1 {
                                async let first = client.push(request, token: token)
                                async let second = other.push(request, token: token)
                                let (a, b) = try await (first, second)
                                #expect(a.status == .ok && b.status == .ok, "\(a.status) \(b.status): \(a.text) \(b.text)")
                                #expect(a.data == b.data, "a batch sent through both servers at once gets one reply")
                            } else {
                                let response = try await client.push(request, token: token)
                                #expect(response.status == .ok, "\(response.status): \(response.text)")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }

            try await TestPostgres.withStore { serial in
                let reference = try await ServerFixture(store: serial)
                let app = buildApplication(reference.configuration, store: serial)
                try await app.test(.router) { client in
                    for w in 0..<writers {
                        let token = try await serial.issueToken(role: .visitor, name: "laptop-\(w)", districts: ["nishi"])
                        for request in allBatches[w] {
                            #expect(try await client.push(request, token: token).status == .ok)
                        }
                    }
                }

                // Then: the same documents, conflicts and counters, each document once in the feed.
                let documents = try await storeB.allDocuments()
                #expect(documents.count == shared)
                #expect(documents == (try await serial.allDocuments()))
                #expect(documents.values.allSatisfy { $0.count == writers }, "every visit is in conflict among the four laptops")
                func listed(_ store: PostgresSyncStore) async throws -> [String: Int] {
                    Dictionary(uniqueKeysWithValues: try await store.conflicts(districts: ["nishi"], limit: 1000).map { ($0.documentId, $0.versions) })
                }
                #expect(try await listed(storeB) == (try await listed(serial)))
                #expect(try await listed(storeB).count == shared)
                let counters = try await storeB.counters(fiscalYears: [2025])
                #expect(!counters.isEmpty)
                #expect(counters == (try await serial.counters(fiscalYears: [2025])))
                #expect(counters == (try await storeB.recount()))
                #expect(try await storeB.dashboardCounters(fiscalYears: [2025], districts: ["nishi"]) == counters)
                let feed = try await storeB.changes(since: 0, limit: 1000, districts: ["nishi"])
                #expect(feed.changes.count == shared)
                #expect(feed.changes.last?.sequence == (try await storeB.lastSequence()))
            }
        }
    }

    @Test("tokens and batch replies live in the database: a token revoked through one server is refused by the other; a retry through the other gets the stored reply")
    func sharedState() async throws {
        try await Self.twoServers { fx, clientA, storeB, clientB in
            let v = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)
            let request = PushRequest(batchId: "batch-1", replicaId: "replica-a", versions: [v])
            let first = try await clientA.push(request, token: fx.visitor)
            #expect(first.status == .ok)
            let retry = try await clientB.push(request, token: fx.visitor)
            #expect(retry.status == .ok)
            #expect(retry.data == first.data, "the replayed batch gets the identical bytes from the other server")
            #expect(try await storeB.lastSequence() == 1, "and writes nothing")
            #expect(try await fx.store.epoch() == (try await storeB.epoch()))

            // The token is bound to replica-a on both servers.
            let other = try await clientB.push(PushRequest(batchId: "b2", replicaId: "replica-z", versions: []), token: fx.visitor)
            #expect(other.status == .forbidden)

            try await storeB.revokeToken(id: fx.visitor.info.id)
            let refused = try await clientA.changes(since: 0, token: fx.visitor, replica: "replica-a")
            #expect(refused.status == .unauthorized, "server A refuses at once the token revoked through B")
        }
    }
}

extension SeveralServersTests {
    @Test("a dashboard session started through server A works through server B (and after a restart); revoking its token ends it on both at once")
    func sharedDashboardSessions() async throws {
        let url = try await TestPostgres.freshDatabase()
        try await TestPostgres.withStore(url) { storeA in
            try await TestPostgres.withStore(url) { storeB in
                let fixture = try await DashboardFixture(store: storeA)
                let appA = Application(router: buildDashboardRouter(fixture.configuration, store: storeA))
                let appB = Application(router: buildDashboardRouter(fixture.configuration, store: storeB))
                try await appA.test(.router) { clientA in
                    try await appB.test(.router) { clientB in
                        // Given: an office signed in through server A.
                        let session = try await clientA.signIn(fixture.office)
                        // Then: server B serves its page with the same cookie, the dashboard read from the shared tables.
                        let page = try await clientB.get("/dashboard", cookie: session)
                        #expect(page.status == .ok)
                        #expect(String(buffer: page.body).contains("京町 山田さんのPC"))
                        #expect(try await clientA.get("/dashboard", cookie: session).status == .ok)

                        // Signing out through B ends the session for A as well.
                        let other = try await clientB.signIn(fixture.coordinator)
                        #expect(try await clientA.get("/dashboard", cookie: other).status == .ok)
                        #expect(try await clientB.postForm("/logout", "", cookie: other).status == .seeOther)
                        #expect(try await clientA.get("/dashboard", cookie: other).headers[.location] == "/")

                        // When: the office's token is revoked (through B's store); then both servers refuse the session.
                        try await storeB.revokeToken(id: fixture.office.info.id)
                        for client in [clientA, clientB] {
                            let refused = try await client.get("/dashboard", cookie: session)
                            #expect(refused.status == .seeOther)
                            #expect(refused.headers[.location] == "/")
                            #expect(try await client.get("/dashboard.json", cookie: session).status == .unauthorized)
                        }
                    }
                }
            }
            // A server started afresh on the same database knows the sessions: a restart signs no one out.
            try await TestPostgres.withStore(url) { restarted in
                let coordinator = try await restarted.issueToken(role: .coordinator, name: "市", districts: [])
                let app = Application(router: buildDashboardRouter(DashboardConfiguration(today: { DashboardFixture.today }), store: storeA))
                let cookie = try await app.test(.router) { client in try await client.signIn(coordinator) }
                let again = Application(router: buildDashboardRouter(DashboardConfiguration(today: { DashboardFixture.today }), store: restarted))
                let status = try await again.test(.router) { client in try await client.get("/dashboard", cookie: cookie).status }
                #expect(status == .ok)
            }
        }
    }
}

/// Set once, read by another task.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    var value: Bool { lock.withLock { isSet } }
    func set() { lock.withLock { isSet = true } }
}

extension SeveralServersTests {
    @Test("a push that finds a document new while another push is storing it runs again once that one commits, and keeps both versions in conflict instead of failing")
    func newDocumentRace() async throws {
        try await TestPostgres.withStore { store in
            let fx = try await ServerFixture(store: store)
            let app = buildApplication(fx.configuration, store: store)
            let theirs = Fixture.create(Fixture.visit("visit-x"), replica: "replica-b", counter: 1)
            let mine = Fixture.create(Fixture.visit("visit-x", kind: .minseiWatch), replica: "replica-a", counter: 1)
            let logger = store.logger
            try await app.test(.router) { client in
                try await store.client.withConnection { other in
                    // Given: another push (a transaction on a connection of its own) that has stored visit-x, not yet
                    // committed, and holds the row of replica-a's highest counter, which a push writes after its reads.
                    try await other.query("BEGIN", logger: logger)
                    try await other.query("UPDATE server_state SET last_sequence = last_sequence + 1 WHERE id = 1", logger: logger)
                    let json = String(decoding: VersionJSON.encode(theirs), as: UTF8.self)
                    try await other.query("""
                        INSERT INTO documents (document_id, type, district, sequence, versions) VALUES ('visit-x', 'visit', 'nishi', 1, \(json))
                        """, logger: logger)
                    try await other.query("INSERT INTO replica_counters (replica_id, highest_counter) VALUES ('replica-a', 0), ('replica-b', 1)", logger: logger)

                    // When: replica-a pushes its own new visit-x: it finds no visit-x stored, then waits for that row;
                    // the other push commits.
                    async let pushed = client.pushOK([mine], replica: "replica-a", token: fx.visitor)
                    while try await Self.waitingForLocks(store) == 0 { try await Task.sleep(for: .milliseconds(20)) }
                    try await other.query("COMMIT", logger: logger)

                    // Then: the push runs again, finds visit-x stored, and answers a conflict.
                    #expect(try await pushed.map(\.outcome) == [.conflict])
                }
                #expect(try await store.allDocuments()["visit-x"]?.map(\.dot) == [theirs.dot, mine.dot].sorted())
                #expect(try await store.lastSequence() == 2)
            }
        }
    }

    @Test("the same batch sent twice at once (a retry through another server while the first sending still runs) is stored once, and both sendings get the same reply")
    func sameBatchTwiceAtOnce() async throws {
        try await TestPostgres.withStore { store in
            let token = try await store.issueToken(role: .visitor, name: "Yamada", districts: ["nishi"])
            let caller = Caller(token: token.info)
            // Given batches of a laptop: new visits, then edits of them, then a mix; each sent twice at the same time
            // (two pooled connections, as through two servers).
            var counter: UInt64 = 0
            var held: [String: Version] = [:]
            var batches: [PushRequest] = []
            for round in 0..<6 {
                var versions: [Version] = []
                for d in 0..<8 where round == 0 || (d + round) % 2 == 0 {
                    counter += 1
                    let id = "visit-\(d)"
                    let payload = Fixture.visit(id, note: "round \(round)")
                    let v = try held[id].map { try Fixture.edit([$0], payload, replica: "replica-a", counter: counter) }
                        ?? Fixture.create(payload, replica: "replica-a", counter: counter)
                    held[id] = v
                    versions.append(v)
                }
                batches.append(PushRequest(batchId: "batch-\(round)", replicaId: "replica-a", versions: versions))
            }
            // When each batch is sent twice at once, one batch after another.
            for batch in batches {
                async let first = store.push(batch, by: caller, today: ServerFixture.today)
                async let second = store.push(batch, by: caller, today: ServerFixture.today)
                let (a, b) = try await (first, second)
                // Then both sendings answer the same, every version new, and one of them is the stored reply.
                #expect(a.body == b.body)
                #expect(a.response.results.map(\.outcome) == Array(repeating: .new, count: batch.versions.count))
                #expect([a.replayed, b.replayed].filter { $0 }.count == 1)
            }
            // And each version was numbered once: the feed holds each visit once, at its last change, and the counters
            // equal a recount.
            let total = batches.reduce(0) { $0 + $1.versions.count }
            #expect(try await store.lastSequence() == Int64(total))
            #expect(try await store.allDocuments() == held.mapValues { [$0] })
            let feed = try await store.changes(since: 0, limit: 100, districts: ["nishi"]).changes
            #expect(feed.count == held.count)
            #expect(try await store.counters(fiscalYears: [2025]) == (try await store.recount()).filter { $0.key.fiscalYear == 2025 })
        }
    }

    /// How many sessions of `store`'s database wait for a lock.
    static func waitingForLocks(_ store: PostgresSyncStore) async throws -> Int {
        for try await count in try await store.client.query("""
            SELECT count(*)::integer FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
            """).decode(Int32.self) {
            return Int(count)
        }
        return 0
    }
}
