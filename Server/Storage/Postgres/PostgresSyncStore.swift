import Foundation
import Logging
import MimamoriShared
import NIOCore
import PostgresNIO

/// The store for a city's deployment: PostgreSQL through PostgresNIO, shared by any number of stateless
/// servers. Everything lives in the database — epoch, sequence, tokens, batch replies, counters — so a revoked
/// token is refused by every server at its next request, and a retried batch gets its stored reply from any.
///
/// Pushes through several servers run at once, each locking its replica and its documents' rows; the change
/// feed stays exact because a push takes the one global lock, on the `server_state` row, to number its changes
/// and holds it to its commit: pushes commit in the order of the sequences they take, so a pull that sees
/// sequence N sees every change below N (docs/sync.md, "Several servers on one PostgreSQL").
public final class PostgresSyncStore: SyncStore, Sendable {
    public let url: PostgresDatabaseURL
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    /// Failures a person can act on.
    public enum Failure: Error, LocalizedError, Sendable {
        case unreachable(PostgresDatabaseURL, String)
        case newerSchema(found: Int, known: Int)
        case noServerState

        public var errorDescription: String? {
            switch self {
            case let .unreachable(url, why):
                return "cannot use the PostgreSQL database \(url): \(why); check that PostgreSQL runs, that the database exists and that the user may connect"
            case let .newerSchema(found, known):
                return "the database has schema version \(found), newer than this server knows (\(known)); upgrade this server before starting it"
            case .noServerState:
                return "the database has no server_state row; it was not created by mimamori-server"
            }
        }
    }

    /// Connects (a pool of up to `maximumConnections`), creates or upgrades the schema, and checks the database
    /// answers within `timeout`. Call `shutdown()` when done.
    public static func connect(_ url: PostgresDatabaseURL, maximumConnections: Int = 16, timeout: Duration = .seconds(15),
                               logger: Logger = .quiet("mimamori-server.postgres")) async throws -> PostgresSyncStore {
        var configuration = try url.clientConfiguration()
        let probeConfiguration = try url.connectionConfiguration()
        configuration.options.maximumConnections = maximumConnections
        // Every statement here is short. With JIT on (PostgreSQL's default) a statement whose estimated cost passes
        // jit_above_cost is compiled first — 30 to 120 ms, measured, for a push's 1000-id lookup on a table without
        // statistics yet, which is any table in its first minute of a large import — and a push pays it inside the
        // lock that serializes every push.
        configuration.options.additionalStartupParameters = [("jit", "off")]
        configuration.options.connectTimeout = timeout
        // One plain connection first: a wrong host, password or database name is reported at once, in PostgreSQL's
        // words, instead of after the pool's retries. The pool's own connection chatter is kept to warnings.
        do {
            let probe = try await withTimeout(timeout) {
                try await PostgresConnection.connect(configuration: probeConfiguration, id: 0, logger: logger)
            }
            try? await probe.close()
        } catch {
            throw Failure.unreachable(url, Self.describe(error))
        }
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let store = PostgresSyncStore(url: url, client: PostgresClient(configuration: configuration, backgroundLogger: background), logger: logger)
        do {
            try await withTimeout(timeout) {
                try await PostgresSchema.migrate(store.client, logger: logger)
            }
        } catch let failure as Failure {
            await store.shutdown()
            throw failure
        } catch {
            await store.shutdown()
            throw Failure.unreachable(url, Self.describe(error))
        }
        return store
    }

    private init(url: PostgresDatabaseURL, client: PostgresClient, logger: Logger) {
        self.url = url
        self.client = client
        self.logger = logger
        running = Task { await client.run() }
    }

    /// Closes the pool's connections.
    public func shutdown() async {
        running.cancel()
        await running.value
    }

    /// PostgreSQL's own message where there is one (never a bound value: those may be tokens or personal data).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if error.code == .sslUnsupported {
                return "the server does not offer TLS, and the URL's sslmode requires it; turn on ssl in postgresql.conf, or use sslmode=disable on a private network"
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? TimeoutError { return error.localizedDescription }
        return String(describing: type(of: error))
    }

    /// Whether `error` says PostgreSQL could not be reached — down, restarting, a connection cut, the pool giving
    /// up after its retries — rather than that a statement failed.
    public static func isUnreachable(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            return [.connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed].contains(error.code)
        }
        // The pool's own error (its circuit breaker) comes from a module PostgresNIO does not export.
        return String(describing: type(of: error)) == "ConnectionPoolError"
    }

    /// Runs a synchronous `body` (which waits on PostgreSQL replies) on a thread of its own, never blocking an
    /// event loop or the cooperative pool.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    /// Whether the database answers a trivial query within `timeout`.
    public func ping(timeout: Duration = .seconds(2)) async -> Bool {
        (try? await withTimeout(timeout) { [client] in
            try await client.query("SELECT 1")
            return true
        }) ?? false
    }

    // MARK: Sync

    public func epoch() async throws -> String {
        for try await epoch in try await client.query("SELECT epoch FROM server_state WHERE id = 1", logger: logger).decode(String.self) {
            return epoch
        }
        throw Failure.noServerState
    }

    public func lastSequence() async throws -> Int64 {
        for try await sequence in try await client.query("SELECT last_sequence FROM server_state WHERE id = 1", logger: logger).decode(Int64.self) {
            return sequence
        }
        throw Failure.noServerState
    }

    /// Runs `body` with the push statements on `connection` (on a thread of its own), inside a transaction the
    /// caller holds, then sends what `body` kept for the end and waits for every statement it queued.
    static func withPushTransaction<T: Sendable>(_ connection: PostgresConnection, logger: Logger,
                                                 _ body: @escaping @Sendable (PostgresPushTransaction) throws -> T) async throws -> T {
        try await onOwnThread {
            let tx = PostgresPushTransaction(connection: connection, logger: logger)
            let value = try body(tx)
            try tx.finish(commit: false)
            return value
        }
    }

    /// Runs `body` in a push transaction of its own on a pooled connection (on a thread of its own): committed
    /// when `body` returns, rolled back when it throws.
    func pushTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresPushTransaction) throws -> T) async throws -> T {
        let logger = logger
        return try await client.withConnection { connection in
            try await Self.onOwnThread {
                let tx = PostgresPushTransaction.begin(connection, logger: logger)
                do {
                    let value = try body(tx)
                    try tx.commit()
                    return value
                } catch {
                    tx.rollback()
                    throw error
                }
            }
        }
    }

    public func push(_ request: PushRequest, by caller: Caller, today: LocalDate) async throws -> PushReply {
        // What needs nothing stored — canonical JSON, the content hash, each version's own checks — is done before
        // the transaction, so a second server's work overlaps this one's.
        let processor = PushProcessor(caller: caller, today: today)
        let prepared = processor.prepare(request)
        var attempt = 1
        while true {
            do {
                return try await pushTransaction { tx in
                    tx.willRead(documents: prepared.documentIds)
                    return try processor.run(prepared, in: DashboardRecordingTransaction(base: tx, tables: tx, now: .now()))
                }
            } catch let error as PSQLError where attempt < Self.pushAttempts && Self.lostRace(error) {
                // Nothing of it was kept (the transaction rolled back): run it again, now finding what the other
                // push stored.
                attempt += 1
                logger.debug("push raced another for a new document; running it again", metadata: ["attempt": "\(attempt)"])
            }
        }
    }

    /// How many times a push runs at most when it keeps losing races for new documents (each loss means another
    /// push stored one of them, so a few suffice unless many replicas create the same documents at once).
    static let pushAttempts = 8

    /// Whether a push failed because another stored one of the documents it found new (the insert of its row
    /// hit the primary key: `PostgresPushTransaction.finish`), or the same batch, sent twice at once (the insert
    /// of its reply hit the primary key; run again, it finds that reply), or because PostgreSQL broke a deadlock by ending
    /// it (only with servers of an older release, which lock in another order, on the same database).
    static func lostRace(_ error: PSQLError) -> Bool {
        switch error.serverInfo?[.sqlState] {
        case "23505": ["documents_pkey", "batches_pkey"].contains(error.serverInfo?[.constraintName])
        case "40P01": true
        default: false
        }
    }

    public func changesJSON(since: Int64, limit: Int, districts: Set<String>, types: Set<DocumentType>) async throws -> Data {
        var page = ChangesPageWriter(epoch: try await epoch(), since: since)
        guard !districts.isEmpty, !types.isEmpty else { return page.finish(hasMore: false) }
        let sortedDistricts = districts.sorted()
        let sortedTypes = types.map(\.rawValue).sorted()
        let limitPlusOne = Int64(limit) + 1
        // One statement, so one snapshot: every push is in it whole or not at all, and (pushes committing in
        // sequence order) every sequence below the highest it shows. Each branch has its own ORDER BY and LIMIT so
        // PostgreSQL reads each table's sequence index only up to the page's end (a Merge Append); with the limit
        // only outside, it sorted every row above `since` for every page, and a full pull grew with its square.
        // A document's versions come with its row (in dot order, `StoredVersionSet`); a move notice has none.
        let rows = try await client.query("""
            (SELECT document_id, type, sequence, NULL::text AS moved_to, versions FROM documents
             WHERE sequence > \(since) AND district = ANY(\(sortedDistricts)) AND type = ANY(\(sortedTypes))
             ORDER BY sequence LIMIT \(limitPlusOne))
            UNION ALL
            (SELECT document_id, type, sequence, to_district, NULL::text FROM moves
             WHERE sequence > \(since) AND from_district = ANY(\(sortedDistricts)) AND to_district <> ALL(\(sortedDistricts))
               AND type = ANY(\(sortedTypes))
             ORDER BY sequence LIMIT \(limitPlusOne))
            ORDER BY sequence LIMIT \(limitPlusOne)
            """, logger: logger)
        var documents = 0
        for try await (id, type, sequence, movedTo, versions) in rows.decode((String, String, Int64, String?, String?).self) {
            documents += 1
            if documents > limit { return page.finish(hasMore: true) }
            page.beginDocument(id: id, type: type, sequence: sequence, movedTo: movedTo)
            if let versions { page.addVersions(versions) }
        }
        return page.finish(hasMore: false)
    }

    public func counters(fiscalYears: [Int]) async throws -> [CounterKey: Int] {
        guard !fiscalYears.isEmpty else { return [:] }
        let years = fiscalYears.map { Int32(clamping: $0) }
        var counters: [CounterKey: Int] = [:]
        let rows = try await client.query("""
            SELECT fiscal_year, dimension, key, kind, count FROM counters WHERE fiscal_year = ANY(\(years)) AND count <> 0
            """, logger: logger)
        for try await (year, dimension, key, kind, count) in rows.decode((Int32, String, String, String, Int64).self) {
            guard let dimension = CounterDimension(rawValue: dimension) else { continue }
            counters[CounterKey(fiscalYear: Int(year), dimension: dimension, key: key, kind: VisitKind(rawValue: kind))] = Int(count)
        }
        return counters
    }

    /// Reads every document's versions and counts their display versions afresh.
    public func recount() async throws -> [CounterKey: Int] {
        var displays: [Version] = []
        for try await versions in try await client.query("SELECT versions FROM documents", logger: logger).decode(String.self) {
            if let display = try VersionSet(StoredVersionSet.decode(versions)).display { displays.append(display) }
        }
        return IndicatorCounting.recount(displays: displays)
    }

    /// Every document's current version set, for checks in tests and by an administrator.
    public func allDocuments() async throws -> [String: [Version]] {
        var result: [String: [Version]] = [:]
        for try await (id, stored) in try await client.query("SELECT document_id, versions FROM documents", logger: logger).decode((String, String).self) {
            let versions = try StoredVersionSet.decode(stored)
            if !versions.isEmpty { result[id] = versions.sorted { $0.dot < $1.dot } }
        }
        return result
    }

    // MARK: Tokens

    public func issueToken(role: TokenRole, name: String, districts: [String]) async throws -> IssuedToken {
        let (issued, row) = try TokenRow.issue(role: role, name: name, districts: districts)
        try await client.query("""
            INSERT INTO tokens (id, secret_hash, role, name, districts, replica_id, created_at, revoked_at)
            VALUES (\(row.id), \(row.secretHash), \(row.role), \(row.name), \(row.districts), \(row.replicaId), \(row.createdAt), \(row.revokedAt))
            """, logger: logger)
        return issued
    }

    static let tokenColumns = "id, secret_hash, role, name, districts, replica_id, created_at, revoked_at"

    func tokenRows(_ query: PostgresQuery) async throws -> [TokenInfo] {
        let rows = try await client.query(query, logger: logger)
        var tokens: [TokenInfo] = []
        for try await (id, hash, role, name, districts, replica, created, revoked)
            in rows.decode((String, String, String, String, String, String?, Int64, Int64?).self) {
            tokens.append(try TokenRow(id: id, secretHash: hash, role: role, name: name, districts: districts,
                                       replicaId: replica, createdAt: created, revokedAt: revoked).info())
        }
        return tokens
    }

    public func tokens() async throws -> [TokenInfo] {
        try await tokenRows(PostgresQuery(unsafeSQL: "SELECT \(Self.tokenColumns) FROM tokens ORDER BY created_at, id"))
    }

    @discardableResult public func revokeToken(id: String) async throws -> TokenInfo {
        let now = Timestamp.now().milliseconds
        var binds = PostgresBindings()
        binds.append(now)
        binds.append(id)
        if let revoked = try await tokenRows(PostgresQuery(unsafeSQL: """
            UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING \(Self.tokenColumns)
            """, binds: binds)).first {
            return revoked
        }
        var idBinds = PostgresBindings()
        idBinds.append(id)
        if try await tokenRows(PostgresQuery(unsafeSQL: "SELECT \(Self.tokenColumns) FROM tokens WHERE id = $1", binds: idBinds)).isEmpty {
            throw StoreError.unknownToken(id: id)
        }
        throw StoreError.tokenAlreadyRevoked(id: id)
    }

    public func token(secret: String) async throws -> TokenInfo? {
        var binds = PostgresBindings()
        binds.append(TokenSecret.hash(secret))
        return try await tokenRows(PostgresQuery(unsafeSQL: "SELECT \(Self.tokenColumns) FROM tokens WHERE secret_hash = $1", binds: binds)).first
    }

    public func bindToken(id: String, toReplica replica: String) async throws -> String {
        // Only the first replica wins, even when two race through two servers: the update is conditional.
        try await client.query("UPDATE tokens SET replica_id = \(replica) WHERE id = \(id) AND replica_id IS NULL", logger: logger)
        for try await bound in try await client.query("SELECT replica_id FROM tokens WHERE id = \(id)", logger: logger).decode(String?.self) {
            if let bound { return bound }
        }
        throw StoreError.unknownToken(id: id)
    }
}

extension TokenRow {
    init(id: String, secretHash: String, role: String, name: String, districts: String, replicaId: String?,
         createdAt: Int64, revokedAt: Int64?) {
        self.id = id
        self.secretHash = secretHash
        self.role = role
        self.name = name
        self.districts = districts
        self.replicaId = replicaId
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

extension PostgresSyncStore {
    /// Creates an empty database `name` (letters, digits and `_` only) in the cluster `admin` points to, and
    /// returns its URL: for tests and first installs, where no one has run `createdb` yet.
    public static func createDatabase(_ name: String, at admin: PostgresDatabaseURL,
                                      logger: Logger = .quiet("mimamori-server.postgres")) async throws -> PostgresDatabaseURL {
        guard !name.isEmpty, name.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PostgresDatabaseURL.Invalid(message: "database name '\(name)' is not accepted; accepted: 1 to 63 ASCII letters, digits or _")
        }
        let client = PostgresClient(configuration: try admin.clientConfiguration(), backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await withTimeout(.seconds(30)) {
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var url = admin
        url.database = name
        return url
    }
}
