import Foundation
import Logging
import MimamoriClient
import MimamoriServer
import MimamoriShared
import NIOCore
import PostgresNIO

/// `--postgres URL`: the same measures on PostgreSQL, in the same run as SQLite's, each on a fresh database of
/// the cluster `URL` names (a user who may create databases, e.g. `.ci/with-postgres`'s superuser), next to
/// PostgreSQL's own ceiling in that cluster: a plain multi-row INSERT of the same rows (and COPY, for reference).
enum PostgresBench {
    static func measure(admin: PostgresDatabaseURL, documents: [Version], visits: Int, maxVisits: Int, pageSize: Int,
                        dir: URL, report: inout Report) async throws {
        let run = String(UInt32.random(in: .min ... .max), radix: 16)
        func database(_ name: String) async throws -> PostgresDatabaseURL {
            try await PostgresSyncStore.createDatabase("mimamori_bench_\(name)_\(run)", at: admin)
        }
        let cpu = await PostgresCPU.find(admin)
        let (insert, copy, insertCPU) = try await ceiling(documents, at: try await database("ceiling"), cpu: cpu)
        report.add("PostgreSQL: plain multi-row INSERT of the same rows, 1000 per statement and transaction (ceiling)",
                   String(format: "%.0f rows/s", insert))
        addCPU("row of the ceiling's INSERT", insertCPU, to: &report)
        report.add("PostgreSQL: COPY of the same rows, one stream (for reference)", String(format: "%.0f rows/s", copy))

        // One server: push from one laptop at a time, pull into a new laptop, totals and dashboard at N, 1M, 10M.
        let store = try await PostgresSyncStore.connect(try await database("one"))
        do {
            let tokens = try await MimamoriBench.visitorTokens(store)
            let office = try await store.issueToken(role: .office, name: "bench-office", districts: Workload.districts)
            let coordinator = try await store.issueToken(role: .coordinator, name: "bench-coordinator", districts: [])
            report = try await withRunningServer(ServerConfiguration(host: "127.0.0.1", port: 0), store: store, logger: MimamoriBench.serverLogger) { [report] url in
                var report = report
                let before = cpu?.seconds()
                let push = try await MimamoriBench.pushAll(documents, to: [url], tokens: tokens, laptopsAtOnce: 1)
                report.add("PostgreSQL: push over loopback HTTP, batches of 1000, one laptop at a time",
                           String(format: "%.0f visits/s (%.3f of ceiling)", push, push / insert))
                addCPU("pushed visit (one laptop)", cpu?.microseconds(since: before, per: documents.count), to: &report)
                // What autovacuum does within a minute of a bulk push: without statistics PostgreSQL plans each page
                // as a sort of every row above `since`, so the figure would depend on a race with autovacuum.
                try await analyze(store.url)
                let beforePull = cpu?.seconds()
                let pull = try await pullIntoNewLaptop(from: url, token: office, directory: dir.appendingPathComponent("pg-laptop"),
                                                       pageSize: pageSize, expected: documents.count)
                report.add("PostgreSQL: pull and apply into an (encrypted) laptop database (pages of \(pageSize))",
                           String(format: "%.0f visits/s (%.3f of ceiling)", pull, pull / insert))
                addCPU("pulled visit", cpu?.microseconds(since: beforePull, per: documents.count), to: &report)
                let totals = HTTPTransport(baseURL: url, token: coordinator.secret, replicaId: "bench-coordinator")
                var loaded = visits
                for target in [visits, 1_000_000, 10_000_000] where target <= maxVisits && target >= loaded {
                    if target > loaded {
                        let start = ContinuousClock.now
                        for chunk in stride(from: loaded, to: target, by: 10_000) {
                            try await store.bulkLoad((chunk..<min(chunk + 10_000, target)).map(Workload.visit))
                            if (chunk + 10_000) % 1_000_000 == 0 { log("PostgreSQL: loaded \(chunk + 10_000) visits") }
                        }
                        let rate = Double(target - loaded) / (ContinuousClock.now - start).seconds
                        log(String(format: "PostgreSQL: bulk load %.0f visits/s", rate))
                        loaded = target
                    }
                    report.add("PostgreSQL: totals query (HTTP) at \(target.formatted()) visits", try await MimamoriBench.timeTotals(totals))
                    try await DashboardBench.measure(store: store, coordinator: coordinator, office: office, visits: target,
                                                     label: "PostgreSQL: ", report: &report)
                }
                return report
            }
            await store.shutdown()
        } catch {
            await store.shutdown()
            throw error
        }

        // Four laptops at once: through one server, then split across two servers (each its own pool) on one database.
        for servers in [1, 2] {
            let url = try await database("four\(servers)")
            var stores: [PostgresSyncStore] = []
            do {
                for _ in 0..<servers { stores.append(try await PostgresSyncStore.connect(url)) }
                let tokens = try await MimamoriBench.visitorTokens(stores[0])
                let before = cpu?.seconds()
                let machine = MachineCPU.now()
                let rate = try await withServers(stores) { urls in
                    try await MimamoriBench.pushAll(documents, to: urls, tokens: tokens, laptopsAtOnce: 4)
                }
                let label = servers == 1 ? "one server" : "two servers on one database"
                report.add("PostgreSQL: push, four laptops at once through \(label)",
                           String(format: "%.0f visits/s (%.3f of ceiling)", rate, rate / insert))
                addCPU("pushed visit (four laptops, \(label))",
                       cpu?.microseconds(since: before, per: documents.count), to: &report)
                // Near 100%: laptops, servers and PostgreSQL share saturated processors, so a second server can only
                // add a process competing for them; it can go faster only where it has processors of its own.
                if let busy = machine?.busySince() { report.add("PostgreSQL: this machine's processors busy (four laptops, \(label))", busy) }
                for store in stores { await store.shutdown() }
            } catch {
                for store in stores { await store.shutdown() }
                throw error
            }
        }
    }

    /// PostgreSQL's own CPU per item of a step, when it could be read.
    static func addCPU(_ what: String, _ microseconds: Double?, to report: inout Report) {
        if let microseconds { report.add("PostgreSQL: its own CPU per \(what)", String(format: "%.1f µs", microseconds)) }
    }

    /// Runs one live server per store while `body` runs.
    static func withServers<T: Sendable>(_ stores: [PostgresSyncStore], urls: [URL] = [], _ body: @escaping @Sendable ([URL]) async throws -> T) async throws -> T {
        guard let first = stores.first else { return try await body(urls) }
        return try await withRunningServer(ServerConfiguration(host: "127.0.0.1", port: 0), store: first, logger: MimamoriBench.serverLogger) { url in
            try await withServers(Array(stores.dropFirst()), urls: urls + [url], body)
        }
    }

    /// A new (encrypted) laptop database pulls everything through `SyncEngine`; returns visits per second.
    static func pullIntoNewLaptop(from url: URL, token: IssuedToken, directory: URL, pageSize: Int, expected: Int) async throws -> Double {
        let client = try AppDatabase.open(directory: directory, create: true)
        try client.initReplica(visitorId: "office-pg", name: "西校区事務局", role: "shakyo_staff", district: Workload.district(ofReplica: 0))
        try client.encrypt(passphrase: "bench passphrase")
        try client.login(server: url.absoluteString, token: token.secret)
        let start = ContinuousClock.now
        let login = try SyncEngine.forLogin(database: client)
        let summary = try await SyncEngine(database: client, transport: login.transport, pageSize: pageSize).sync { _ in }
        let rate = Double(summary.pulled) / (ContinuousClock.now - start).seconds
        guard summary.pulled == expected else { throw BenchFailure("PostgreSQL: pulled \(summary.pulled) of \(expected)") }
        return rate
    }

    /// The same rows (id + the version's JSON, encoded before the clock starts) into a plain table of a fresh
    /// database: 1000 per multi-row INSERT, each its own transaction; then, into another table, one COPY.
    /// With PostgreSQL's CPU per row of the INSERT, when `cpu` can be read.
    static func ceiling(_ versions: [Version], at url: PostgresDatabaseURL, cpu: PostgresCPU?) async throws -> (insert: Double, copy: Double, insertCPU: Double?) {
        try await withConnection(url) { connection, logger in try await ceiling(versions, on: connection, logger: logger, cpu: cpu) }
    }

    /// Refreshes the planner's statistics of every table in `url`'s database.
    static func analyze(_ url: PostgresDatabaseURL) async throws {
        try await withConnection(url) { connection, logger in _ = try await connection.query("ANALYZE", logger: logger) }
    }

    /// One plain connection to `url` (no TLS: the bench's cluster is local) for the length of `body`.
    static func withConnection<T>(_ url: PostgresDatabaseURL, _ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let logger = Logger(label: "mimamori-bench")
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable),
            id: 1, logger: logger)
        do {
            let value = try await body(connection, logger)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func ceiling(_ versions: [Version], on connection: PostgresConnection, logger: Logger,
                                cpu: PostgresCPU?) async throws -> (insert: Double, copy: Double, insertCPU: Double?) {
        try await connection.query("CREATE TABLE rows_insert (id TEXT PRIMARY KEY, body TEXT NOT NULL)", logger: logger)
        try await connection.query("CREATE TABLE rows_copy (id TEXT PRIMARY KEY, body TEXT NOT NULL)", logger: logger)
        let ids = versions.map(\.documentId)
        let bodies = versions.map { String(decoding: VersionJSON.encode($0), as: UTF8.self) }
        let cpuBefore = cpu?.seconds()
        var start = ContinuousClock.now
        for chunk in stride(from: 0, to: versions.count, by: 1000) {
            let end = min(chunk + 1000, versions.count)
            try await connection.query("""
                INSERT INTO rows_insert (id, body) SELECT * FROM unnest(\(Array(ids[chunk..<end]))::text[], \(Array(bodies[chunk..<end]))::text[])
                """, logger: logger)
        }
        let insert = Double(versions.count) / (ContinuousClock.now - start).seconds
        let insertCPU = cpu?.microseconds(since: cpuBefore, per: versions.count)
        // COPY's text format: tab-separated, with backslash, tab and newline escaped (JSON has none raw, but be exact).
        func escaped(_ s: String) -> String {
            s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t").replacingOccurrences(of: "\n", with: "\\n")
        }
        let lines = zip(ids, bodies).map { escaped($0) + "\t" + escaped($1) + "\n" }
        start = ContinuousClock.now
        try await connection.copyFrom(table: "rows_copy", columns: ["id", "body"], logger: logger) { writer in
            var buffer = ByteBuffer()
            for line in lines {
                buffer.writeString(line)
                if buffer.readableBytes > 1 << 20 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        let copy = Double(versions.count) / (ContinuousClock.now - start).seconds
        return (insert, copy, insertCPU)
    }
}
