import Foundation
import MimamoriClient
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

/// Live servers on free loopback ports with several visitor laptops, each its own on-disk client database,
/// syncing through the same `SyncEngine.loggedIn` + `HTTPTransport` path that `mimamori sync` uses.
/// With PostgreSQL there may be several servers, each with its own store on one database; laptop i logs in to
/// server i mod `servers`, as a load balancer would spread them.
struct Cluster: Sendable {
    /// The first server's store.
    let store: any InspectableStore
    /// Each server's store and base URL.
    let stores: [any InspectableStore]
    let urls: [URL]
    var url: URL { urls[0] }
    let replicas: [AppDatabase]
    let tokens: [IssuedToken]
    let directory: URL

    static let district = "nishi"

    /// Runs `body` with servers over a store of `kind` — SQLite in `serverDirectory` (fresh if nil), or a fresh
    /// PostgreSQL database shared by `servers` servers — and `count` laptops (fresh if `existing` is nil, else
    /// those given, logged in to these servers).
    static func run<T: Sendable>(
        replicas count: Int, store kind: StoreKind = .sqlite, servers: Int = 1, serverDirectory: URL? = nil,
        existing: [AppDatabase]? = nil, passphrase: String? = nil, _ body: @escaping @Sendable (Cluster) async throws -> T
    ) async throws -> T {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-e2e-\(UUID().uuidString)")
        switch kind {
        case .sqlite:
            precondition(servers == 1, "SQLite is one server's database")
            let serverDir = serverDirectory ?? root.appendingPathComponent("server")
            try FileManager.default.createDirectory(at: serverDir, withIntermediateDirectories: true)
            let store = try SQLiteSyncStore(directory: serverDir)
            return try await withServers([store]) { urls in
                try await start(stores: [store], urls: urls, root: root, count: count, existing: existing, passphrase: passphrase, body)
            }
        case .postgres:
            let database = try await TestPostgres.freshDatabase()
            var stores: [PostgresSyncStore] = []
            do {
                for _ in 0..<servers { stores.append(try await PostgresSyncStore.connect(database, timeout: TestPostgres.connectTimeout)) }
                let opened = stores
                let result = try await withServers(opened) { urls in
                    try await start(stores: opened, urls: urls, root: root, count: count, existing: existing, passphrase: passphrase, body)
                }
                for store in stores { await store.shutdown() }
                return result
            } catch {
                for store in stores { await store.shutdown() }
                throw error
            }
        }
    }

    /// Runs a live server over each store (nested), then `body` with their base URLs.
    static func withServers<T: Sendable>(_ stores: [any InspectableStore], running urls: [URL] = [],
                                         _ body: @escaping @Sendable ([URL]) async throws -> T) async throws -> T {
        guard let next = stores.first else { return try await body(urls) }
        return try await withRunningServer(ServerConfiguration(host: "127.0.0.1", port: 0), store: next) { url in
            try await withServers(Array(stores.dropFirst()), running: urls + [url], body)
        }
    }

    private static func start<T: Sendable>(stores: [any InspectableStore], urls: [URL], root: URL, count: Int,
                                           existing: [AppDatabase]?, passphrase: String?, _ body: @escaping @Sendable (Cluster) async throws -> T) async throws -> T {
        var dbs: [AppDatabase] = []
        var tokens: [IssuedToken] = []
        for i in 0..<count {
            let db: AppDatabase
            if let existing {
                db = existing[i]
            } else {
                db = try AppDatabase.open(directory: root.appendingPathComponent("laptop-\(i)"), create: true)
                if let passphrase { try db.encrypt(passphrase: passphrase, parameters: .testing) }
                try db.initReplica(visitorId: "visitor-\(i)", name: "訪問者\(i)", role: .fureaiMember,
                                   organization: "西校区ふれあいの会", district: district)
            }
            let token = try await stores[0].issueToken(role: .visitor, name: "laptop-\(i)", districts: [district])
            try db.login(server: urls[i % urls.count].absoluteString, token: token.secret)
            dbs.append(db)
            tokens.append(token)
        }
        return try await body(Cluster(store: stores[0], stores: stores, urls: urls, replicas: dbs, tokens: tokens, directory: root))
    }

    @discardableResult
    func sync(_ i: Int) async throws -> SyncSummary {
        try await SyncEngine.forLogin(database: replicas[i]).sync()
    }

    /// Everyone syncs twice, so the last writer's changes reach the first.
    func syncAll(order: [Int]? = nil) async throws {
        for _ in 0..<2 { for i in order ?? Array(replicas.indices) { try await sync(i) } }
    }

    /// Asserts every laptop holds exactly the server's documents and version sets, and that laptops' and
    /// server's counters equal a full recount.
    func expectConverged(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let server = try await store.allDocuments()
        let serverCounters = try await store.counters(fiscalYears: Array(2000...2030))
        #expect(serverCounters == (try await store.recount()), "server counters equal a recount", sourceLocation: sourceLocation)
        for (i, db) in replicas.enumerated() {
            #expect(try db.pendingCount() == 0, "laptop \(i) has nothing left to send", sourceLocation: sourceLocation)
            for (id, versions) in server {
                let local = try db.document(id: id)?.current
                #expect(local == versions, "laptop \(i) document \(id)", sourceLocation: sourceLocation)
            }
            // Deleted documents leave the lists (their content is erased); every listed one is live on the server.
            let localIds = Set(try db.visits(VisitFilter(includeDeleted: true)).map(\.visit.id))
                .union(try db.subjects(includeInactive: true).map(\.subject.id))
                .union(try db.activities(ActivityFilter(includeDeleted: true)).map(\.activity.id))
            let liveOnServer = Set(server.filter { $0.value.contains { !$0.deleted } }.keys)
            #expect(localIds == liveOnServer, "laptop \(i) lists exactly the server's live documents", sourceLocation: sourceLocation)
            #expect(try db.counters() == serverCounters, "laptop \(i) totals equal the server's", sourceLocation: sourceLocation)
        }
    }

    func addSubject(_ i: Int, _ id: String, district: String = Cluster.district) throws {
        try replicas[i].addSubject(id: id, fields: SubjectFields(name: "対象者 \(id)", district: district, cadenceDays: 30))
    }

    @discardableResult
    func log(_ i: Int, subject: String, kind: VisitKind = .fureaiWatch, date: String = "2025-06-02",
             note: String? = nil) throws -> String {
        try replicas[i].logVisit(VisitFields(subjectId: subject, kind: kind, date: LocalDate(date)!, note: note),
                                 today: .today()).id
    }
}

/// A transport that forwards to the real one but fails on chosen calls: a reply lost after the server
/// applied the push, or a connection dropped in the middle of a pull.
final class FaultyTransport: SyncTransport, @unchecked Sendable {
    let inner: any SyncTransport
    let lock = NSLock()
    var pushesToLose: Set<Int>
    var pagesBeforeFailure: Int?
    private var pushes = 0
    private var pages = 0

    struct Dropped: Error {}

    init(_ inner: any SyncTransport, losePushReplies: Set<Int> = [], failAfterPages: Int? = nil) {
        self.inner = inner
        self.pushesToLose = losePushReplies
        self.pagesBeforeFailure = failAfterPages
    }

    func health() async throws -> HealthResponse { try await inner.health() }
    func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport { try await inner.totals(fiscalYear: fiscalYear, language: language) }

    func push(_ request: PushRequest) async throws -> PushResponse {
        let reply = try await inner.push(request)
        let n = lock.withLock { pushes += 1; return pushes }
        if pushesToLose.contains(n) { throw Dropped() }  // the server applied it; the reply never arrived
        return reply
    }

    func changes(since: Int64, limit: Int) async throws -> ChangesResponse {
        let n = lock.withLock { pages += 1; return pages }
        if let limit = pagesBeforeFailure, n > limit { throw Dropped() }
        return try await inner.changes(since: since, limit: limit)
    }
}

/// A transport that forwards to the real one and records each pull page's cursor and what its end announced.
final class CountingPages: SyncTransport, @unchecked Sendable {
    let inner: any SyncTransport
    private let lock = NSLock()
    private var asked: [Int64] = []
    private var announced: [Int64] = []

    init(_ inner: any SyncTransport) { self.inner = inner }

    /// The cursors asked from, and the cursors announced, in the order they happened.
    var seen: (asked: [Int64], announced: [Int64]) { lock.withLock { (asked, announced) } }

    func health() async throws -> HealthResponse { try await inner.health() }
    func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport { try await inner.totals(fiscalYear: fiscalYear, language: language) }
    func push(_ request: PushRequest) async throws -> PushResponse { try await inner.push(request) }
    func changes(since: Int64, limit: Int) async throws -> ChangesResponse { try await inner.changes(since: since, limit: limit) }

    func pageBody(since: Int64, limit: Int) async throws -> PageBody {
        lock.withLock { asked.append(since) }
        let body = try await inner.pageBody(since: since, limit: limit)
        if let next = body.announcedNextSince { lock.withLock { announced.append(next) } }
        return body
    }
}
