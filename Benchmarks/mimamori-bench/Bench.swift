import Foundation
import GRDB
import Logging
import MimamoriClient
import MimamoriServer
import MimamoriShared

/// `swift run -c release mimamori-bench [--visits N] [--max-visits M] [--dir DIR]`
///
/// One run measures, on this machine: push over loopback HTTP in batches of 1000, pull-and-apply into a
/// client database, the totals query at N, 1M and 10M visits, the whole-process time of `mimamori visit log`
/// and `visit list --month` on a database of N visits — and, in the same run, the physical limits they are
/// compared with: a plain SQLite insert of the same rows, and spawning a process that does nothing.
@main
struct MimamoriBench {
    /// The servers the bench runs log warnings only: a line per request on the terminal would be measured too.
    static let serverLogger: Logger = {
        var logger = Logger(label: "mimamori-bench-server")
        logger.logLevel = .warning
        return logger
    }()

    static func main() async throws {
        var visits = 100_000
        var pageSize = API.defaultPageSize
        var maxVisits = 10_000_000
        var dir = FileManager.default.temporaryDirectory.appendingPathComponent("mimamori-bench-\(UUID().uuidString)")
        var dashboardOnly = false
        var serverVisits = 1_000_000
        var serverProcessOnly = false
        var postgres: PostgresDatabaseURL?
        var postgresOnly = false
        var args = CommandLine.arguments.dropFirst()
        while let a = args.popFirst() {
            switch a {
            case "--visits": visits = Int(args.popFirst() ?? "") ?? visits
            case "--max-visits": maxVisits = Int(args.popFirst() ?? "") ?? maxVisits
            case "--page-size": pageSize = Int(args.popFirst() ?? "") ?? pageSize
            case "--dir": dir = URL(fileURLWithPath: args.popFirst() ?? dir.path)
            case "--server-visits": serverVisits = Int(args.popFirst() ?? "") ?? serverVisits
            case "--server-process": serverProcessOnly = true
            case "--serve":
                try await ServerProcess.serve(directory: URL(fileURLWithPath: args.popFirst() ?? "."))
                return
            case "--store-push":
                try await storePush(dir: dir)
                return
            case "--client-apply":
                try clientApply(dir: dir)
                return
            case "--sealing":
                try SealingBench.run()
                return
            case "--codec":
                try codec()
                return
            case "--dashboard":
                dashboardOnly = true
            case "--postgres":
                postgres = try PostgresDatabaseURL(parsing: args.popFirst() ?? "")
            case "--postgres-only":
                postgresOnly = true
            default:
                print("usage: mimamori-bench [--visits N] [--max-visits M] [--server-visits S] [--page-size P] [--dir DIR] [--server-process] [--postgres URL [--postgres-only]] | --client-apply | --store-push | --codec | --sealing")
                return
            }
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        if dashboardOnly {
            try await dashboard(dir: dir, visits: visits, maxVisits: maxVisits)
            return
        }
        #if DEBUG
        log("warning: a debug build; figures mean nothing. Run: swift run -c release mimamori-bench")
        #endif
        log("mimamori-bench: \(visits) visits, \(Workload.subjectCount) subjects, \(Workload.replicaCount) replicas; data in \(dir.path)")

        let documents = (0..<Workload.subjectCount).map(Workload.subject) + (0..<visits).map(Workload.visit)
        var report = Report()
        if postgresOnly, let postgres {
            // PostgreSQL's measures alone (next to its own ceiling, which they are compared with).
            try await PostgresBench.measure(admin: postgres, documents: documents, visits: visits, maxVisits: maxVisits,
                                            pageSize: pageSize, dir: dir, report: &report)
            print(report.markdown)
            return
        }

        // The physical ceiling, in the same run.
        let ceiling = try Ceiling.plainInsert(documents, in: dir)
        report.add("plain SQLite insert of the same rows (ceiling)", String(format: "%.0f rows/s", ceiling))
        if serverProcessOnly {
            try await ServerProcess.measure(visits: serverVisits, dir: dir, pageSize: pageSize, ceiling: ceiling, report: &report)
            print(report.markdown)
            return
        }

        let store = try SQLiteSyncStore(directory: dir.appendingPathComponent("server"))
        let tokens = try await visitorTokens(store)
        let office = try await store.issueToken(role: .office, name: "bench-office", districts: Workload.districts)
        let coordinator = try await store.issueToken(role: .coordinator, name: "bench-coordinator", districts: [])
        let clientDir = dir.appendingPathComponent("client")
        let runtimeDir = dir.appendingPathComponent("run")
        let (visitCount, maxCount, pullPageSize) = (visits, maxVisits, pageSize)

        report = try await withRunningServer(ServerConfiguration(host: "127.0.0.1", port: 0), store: store, logger: MimamoriBench.serverLogger) { [report] url in
            var report = report
            // Push: each replica sends its own writes in batches of 1000, as `mimamori sync` does; one laptop at a time.
            let pushRate = try await pushAll(documents, to: url, tokens: tokens, laptopsAtOnce: 1)
            report.add("push over loopback HTTP, batches of 1000, one laptop at a time",
                       String(format: "%.0f visits/s (%.3f of ceiling)", pushRate, pushRate / ceiling))

            // Pull and apply into a fresh laptop database, through the same engine `mimamori sync` uses.
            let client = try AppDatabase.open(directory: clientDir, create: true)
            try client.initReplica(visitorId: "office-1", name: "西校区事務局", role: "shakyo_staff", district: Workload.district(ofReplica: 0))
            // Sealed with a passphrase and unlocked for the session, as a visitor's laptop is: the CLI timings
            // below find the key kept in `runtimeDir` and never run scrypt.
            try client.encrypt(passphrase: "bench passphrase")
            try FileManager.default.createDirectory(at: runtimeDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try client.keepUnlockedKey(in: KeyCache(directory: runtimeDir.appendingPathComponent("mimamori"), place: .runtimeDirectory))
            try client.login(server: url.absoluteString, token: office.secret)
            let pull = try await pullAll(into: client, pageSize: pullPageSize, expected: documents.count, logEvery: 20_000)
            report.add("pull and apply into a client database (pages of \(pullPageSize))", String(format: "%.0f visits/s (%.3f of ceiling)", pull.rate, pull.rate / ceiling))
            report.add("resident memory while pulling (bench process: server and laptop)", pull.rss.summary)
            report.add("laptop bytes stored per visit", try StoredSize.laptop(client, documents: documents))

            // Totals, read by a coordinator over HTTP, at growing numbers of visits.
            let totals = HTTPTransport(baseURL: url, token: coordinator.secret, replicaId: "bench-coordinator")
            var loaded = visitCount
            for target in [visitCount, 1_000_000, 10_000_000] where target <= maxCount && target >= loaded {
                if target > loaded {
                    try BulkLoad.fill(store, visits: loaded..<target) { log("loaded \($0) visits") }
                    loaded = target
                }
                report.add("totals query (HTTP) at \(target.formatted()) visits", try await timeTotals(totals))
                try await DashboardBench.measure(store: store, coordinator: coordinator, office: office, visits: target, report: &report)
            }
            await totals.shutdown()
            return report
        }

        // The same push from four laptops at once, into a second, fresh server.
        let store2 = try SQLiteSyncStore(directory: dir.appendingPathComponent("server-concurrent"))
        let concurrentTokens = try await visitorTokens(store2)
        let machine = MachineCPU.now()
        let concurrentRate = try await withRunningServer(ServerConfiguration(host: "127.0.0.1", port: 0), store: store2, logger: MimamoriBench.serverLogger) { url in
            try await pushAll(documents, to: url, tokens: concurrentTokens, laptopsAtOnce: 4)
        }
        report.add("push over loopback HTTP, batches of 1000, four laptops at once",
                   String(format: "%.0f visits/s (%.3f of ceiling)", concurrentRate, concurrentRate / ceiling))
        if let busy = machine?.busySince() { report.add("this machine's processors busy during the four laptops' push", busy) }

        // The server in its own process: its memory while ingesting `serverVisits`, and bytes stored per visit.
        if serverVisits > 0 {
            try await ServerProcess.measure(visits: serverVisits, dir: dir, pageSize: pageSize, ceiling: ceiling, report: &report)
        }

        if let postgres {
            try await PostgresBench.measure(admin: postgres, documents: documents, visits: visits, maxVisits: maxVisits,
                                            pageSize: pageSize, dir: dir, report: &report)
        }

        // Whole-process time of the CLI on the laptop database of `visits` visits.
        let cli = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mimamori").path
        if FileManager.default.isExecutableFile(atPath: cli) {
            let floor = try timeProcess("/bin/true", [], runs: 20)
            report.add("spawn /bin/true (process floor)", String(format: "%.1f ms median", floor))
            let logTime = try timeProcess(cli, ["visit", "log", "--data-dir", clientDir.path, "--subject", Workload.subjectID(0),
                                                "--kind", "fureai_watch", "--note", "bench"], runs: 20, runtime: runtimeDir)
            report.add("`mimamori visit log` (whole process, \(visits.formatted()) visits)", String(format: "%.1f ms median", logTime))
            let listTime = try timeProcess(cli, ["visit", "list", "--data-dir", clientDir.path, "--month", "2025-06"], runs: 20, runtime: runtimeDir)
            report.add("`mimamori visit list --month 2025-06` (whole process)", String(format: "%.1f ms median", listTime))
        } else {
            log("no \(cli): build it with `swift build -c release` to time the CLI")
        }
        print(report.markdown)
    }

    /// `--dashboard`: only the dashboard's pages, at N, 1M and 10M bulk-loaded visits (up to M).
    static func dashboard(dir: URL, visits: Int, maxVisits: Int) async throws {
        #if DEBUG
        log("warning: a debug build; figures mean nothing. Run: swift run -c release mimamori-bench --dashboard")
        #endif
        let store = try SQLiteSyncStore(directory: dir.appendingPathComponent("server"))
        let coordinator = try await store.issueToken(role: .coordinator, name: "bench-coordinator", districts: [])
        let office = try await store.issueToken(role: .office, name: "bench-office", districts: Array(Workload.districts.prefix(4)))
        var report = Report()
        var loaded = 0
        for target in [visits, 1_000_000, 10_000_000] where target <= maxVisits && target > loaded {
            try BulkLoad.fill(store, visits: loaded..<target) { if $0 % 1_000_000 == 0 { log("loaded \($0) visits") } }
            loaded = target
            try await DashboardBench.measure(store: store, coordinator: coordinator, office: office, visits: target, report: &report)
        }
        print(report.markdown)
    }

    /// The JSON cost of one version alone: the floor under push and pull, whatever the database does.
    static func codec() throws {
        let versions = (0..<20_000).map(Workload.visit)
        let encoder = MimamoriJSON.encoder()
        var t = ContinuousClock.now
        let encoded = try versions.map { try encoder.encode($0) }
        let encode = (ContinuousClock.now - t).seconds / Double(versions.count) * 1e6
        let decoder = MimamoriJSON.decoder()
        t = ContinuousClock.now
        for data in encoded { _ = try decoder.decode(Version.self, from: data) }
        let decode = (ContinuousClock.now - t).seconds / Double(versions.count) * 1e6
        print(String(format: "Foundation: encode %.1f µs, decode %.1f µs per version (%d bytes)", encode, decode, encoded[0].count))

        // The hand-written codec (VersionJSON), on the same versions; it must agree with Foundation byte for byte.
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        var total = 0
        t = ContinuousClock.now
        for v in versions {
            out.removeAll(keepingCapacity: true)
            VersionJSON.encode(v, into: &out)
            total += out.count
        }
        let fastEncode = (ContinuousClock.now - t).seconds / Double(versions.count) * 1e6
        t = ContinuousClock.now
        var fastDecoded = 0
        for data in encoded {
            if data.withUnsafeBytes({ VersionJSON.parse($0) }) != nil { fastDecoded += 1 }
        }
        let fastDecode = (ContinuousClock.now - t).seconds / Double(versions.count) * 1e6
        precondition(fastDecoded == versions.count, "the fast decoder refused \(versions.count - fastDecoded) versions")
        precondition(versions.allSatisfy { VersionJSON.encode($0) == (try? encoder.encode($0)) }, "fast encoding differs")
        precondition(total > 0)
        print(String(format: "VersionJSON: encode %.1f µs, decode %.1f µs per version (%.0fx, %.0fx faster)",
                     fastEncode, fastDecode, encode / fastEncode, decode / fastDecode))
    }

    /// A coordinator's totals of 2025 over HTTP, 100 times: median and maximum milliseconds, and the broad count.
    static func timeTotals(_ totals: HTTPTransport) async throws -> String {
        var times: [Double] = []
        var count = 0
        for _ in 0..<100 {
            let t = ContinuousClock.now
            count = try await totals.totals(fiscalYear: 2025, language: .japanese).indicators[1].count
            times.append((ContinuousClock.now - t).milliseconds)
        }
        return String(format: "%.2f ms median, %.2f ms max (broad count %d)", median(times), times.max() ?? .nan, count)
    }

    /// One visitor token per workload replica, for its district.
    static func visitorTokens(_ store: any SyncStore) async throws -> [IssuedToken] {
        var tokens: [IssuedToken] = []
        for r in 0..<Workload.replicaCount {
            tokens.append(try await store.issueToken(role: .visitor, name: "bench-\(r)", districts: [Workload.district(ofReplica: r)]))
        }
        return tokens
    }

    /// Pushes every replica's writes in batches of 1000 through `HTTPTransport`, `laptopsAtOnce` replicas at a
    /// time, each as `mimamori sync` does (`pushBatches`), and returns versions per second.
    static func pushAll(_ documents: [Version], to url: URL, tokens: [IssuedToken], laptopsAtOnce: Int) async throws -> Double {
        try await pushAll(documents, to: [url], tokens: tokens, laptopsAtOnce: laptopsAtOnce)
    }

    /// `pushAll`, the laptops spread over several servers (lane i talks to `urls[i % urls.count]`).
    static func pushAll(_ documents: [Version], to urls: [URL], tokens: [IssuedToken], laptopsAtOnce: Int) async throws -> Double {
        let byReplica = Dictionary(grouping: documents, by: \.dot.replica)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<laptopsAtOnce {
                let url = urls[lane % urls.count]
                group.addTask {
                    for r in stride(from: lane, to: Workload.replicaCount, by: laptopsAtOnce) {
                        let replica = Workload.replicas[r]
                        let transport = HTTPTransport(baseURL: url, token: tokens[r].secret, replicaId: replica)
                        let mine = byReplica[replica] ?? []
                        let batches = stride(from: 0, to: mine.count, by: API.maxBatchSize).map { mine[$0..<min($0 + API.maxBatchSize, mine.count)] }
                        try await pushBatches(batches.count, replica: replica, transport: transport) { Array(batches[$0]) }
                        await transport.shutdown()
                        log("pushed replica \(r + 1)/\(Workload.replicaCount) (\(laptopsAtOnce) at once)")
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(documents.count) / (ContinuousClock.now - start).seconds
    }

    /// Sends one replica's `count` batches the way `SyncEngine.push` does: `SyncEngine.batchesInFlight` in flight, each
    /// batch's versions' canonical JSON spliced into the body (the laptop splices what its outbox stores; here each
    /// is encoded once, in the batch's own task, while the batches before are in flight), replies checked in order.
    /// `made` is called with each batch's JSON size, `replied` after each reply.
    static func pushBatches(_ count: Int, replica: String, transport: HTTPTransport, made: @escaping @Sendable (Int) -> Void = { _ in },
                            replied: () -> Void = {}, versions: @escaping @Sendable (Int) -> [Version]) async throws {
        var inFlight: [Task<PushResponse, any Error>] = []
        defer { for t in inFlight { t.cancel() } }
        func check(_ reply: PushResponse) throws {
            if let refused = reply.results.first(where: { $0.outcome != .new }) { throw BenchFailure("bench push refused: \(refused)") }
        }
        for k in 0..<count {
            inFlight.append(Task {
                let json = versions(k).map(VersionJSON.encode)
                made(json.reduce(0) { $0 + $1.count })
                return try await transport.push(PushBatch(batchId: UUID().uuidString, replicaId: replica, versionJSON: json))
            })
            if inFlight.count == SyncEngine.batchesInFlight { try check(await inFlight.removeFirst().value); replied() }
        }
        while !inFlight.isEmpty { try check(await inFlight.removeFirst().value); replied() }
    }

    /// Pulls everything into `client` through the engine `mimamori sync` uses (the login's transport), sampling
    /// this process's memory after every page: documents per second, and the samples.
    static func pullAll(into client: AppDatabase, pageSize: Int, expected: Int, logEvery: Int) async throws -> (rate: Double, rss: RSSSampler) {
        var rss = RSSSampler()
        let start = ContinuousClock.now
        let login = try SyncEngine.forLogin(database: client)
        let summary = try await SyncEngine(database: client, transport: login.transport, pageSize: pageSize).sync { p in
            guard case let .pulled(n, _) = p else { return }
            rss.sample()
            if n % logEvery < pageSize { log("pulled \(n)") }
        }
        guard summary.pulled == expected else { throw BenchFailure("pulled \(summary.pulled) of \(expected)") }
        return (Double(summary.pulled) / (ContinuousClock.now - start).seconds, rss)
    }

    /// The server's push work alone, in process (no HTTP): where push time goes.
    static func storePush(dir: URL) async throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteSyncStore(directory: dir)
        let token = try await store.issueToken(role: .office, name: "bench", districts: Workload.districts)
        let versions = (0..<100_000).map(Workload.visit)
        let byReplica = Dictionary(grouping: versions, by: \.dot.replica)
        let start = ContinuousClock.now
        for (replica, mine) in byReplica {
            for s in stride(from: 0, to: mine.count, by: 1000) {
                let request = PushRequest(batchId: UUID().uuidString, replicaId: replica, versions: Array(mine[s..<min(s + 1000, mine.count)]))
                _ = try await store.push(request, by: Caller(token: token.info), today: .today())
            }
        }
        print(String(format: "store.push in process: %.0f visits/s", Double(versions.count) / (ContinuousClock.now - start).seconds))
    }

    /// The laptop's apply work alone, in process (no HTTP): pages of 500, read from the bytes a server sends
    /// (before the clock), through `applyPulledPages` in the engine's groups — a first sync of 100,500 documents
    /// into an encrypted laptop — next to the ceiling measured in the same run.
    static func clientApply(dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let versions = (0..<Workload.subjectCount).map(Workload.subject) + (0..<100_000).map(Workload.visit)
        let ceiling = try Ceiling.plainInsert(versions, in: dir)
        print(String(format: "plain SQLite insert of the same rows (ceiling): %.0f rows/s", ceiling))
        let db = try AppDatabase.open(directory: dir.appendingPathComponent("laptop"), create: true)
        try db.initReplica(visitorId: "office-1", name: "bench", role: "shakyo_staff")
        try db.encrypt(passphrase: "bench passphrase")
        try db.adoptServerEpoch("bench")
        let pages = try stride(from: 0, to: versions.count, by: API.defaultPageSize).map { start in
            let slice = versions[start..<min(start + API.defaultPageSize, versions.count)]
            let page = ChangesResponse(epoch: "bench", changes: slice.enumerated().map { i, v in
                DocumentChange(sequence: Int64(start + i + 1), documentId: v.documentId, type: v.type, versions: [v])
            }, nextSince: Int64(start + slice.count), hasMore: true)
            return try ReceivedChanges.decode(MimamoriJSON.encodeChanges(page))
        }
        var rss = RSSSampler()
        let cpuStart = ServerProcess.cpuSeconds(pid: "self")
        let start = ContinuousClock.now
        // In the groups `SyncEngine` applies in one transaction each.
        let perGroup = max(1, SyncEngine.groupDocuments / API.defaultPageSize)
        for first in stride(from: 0, to: pages.count, by: perGroup) {
            try db.applyPulledPages(Array(pages[first..<min(first + perGroup, pages.count)]))
            rss.sample()
        }
        let seconds = (ContinuousClock.now - start).seconds
        let rate = Double(versions.count) / seconds
        print(String(format: "applyPulledPage in process: %.0f visits/s (%.3f of ceiling), %.2f s for %d documents",
                     rate, rate / ceiling, seconds, versions.count))
        print(String(format: "first sync of 100,000 visits (and 500 subjects) into an encrypted laptop: %.2f s of apply (goal ≤ 2 s)", seconds))
        if let cpuStart, let cpuEnd = ServerProcess.cpuSeconds(pid: "self") {
            print(String(format: "CPU time per applied visit: %.1f µs (user + system, the whole process)",
                         (cpuEnd - cpuStart) * 1e6 / Double(versions.count)))
        }
        print("resident memory while applying: \(rss.summary)")
        print("laptop bytes stored per visit: \(try StoredSize.laptop(db, documents: versions))")
    }

    static func timeProcess(_ path: String, _ arguments: [String], runs: Int, runtime: URL? = nil) throws -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = arguments
            p.environment = ["LANG": "C", "PATH": "/usr/bin:/bin"].merging(runtime.map { ["XDG_RUNTIME_DIR": $0.path] } ?? [:]) { a, _ in a }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            let t = ContinuousClock.now
            try p.run()
            p.waitUntilExit()
            times.append((ContinuousClock.now - t).milliseconds)
            guard p.terminationStatus == 0 else { throw BenchFailure("\(path) \(arguments.joined(separator: " ")) exited \(p.terminationStatus)") }
        }
        return median(times)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

struct Report: Sendable {
    var rows: [(String, String)] = []
    mutating func add(_ what: String, _ figure: String) {
        rows.append((what, figure))
        log("\(what): \(figure)")
    }
    var markdown: String {
        "| measure | figure |\n|---|---|\n" + rows.map { "| \($0.0) | \($0.1) |" }.joined(separator: "\n")
    }
}

func log(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// The process's resident memory, sampled as a pull goes: flat means pages are not piling up.
struct RSSSampler {
    private(set) var samples: [Int] = []
    /// Before the work sampled began: what the process held already (in the benchmark, the steps before it).
    var before: Int? = RSSSampler.current()

    /// Current resident set size in bytes (Linux: /proc/self/statm), nil elsewhere.
    static func current() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    mutating func sample() { if let r = Self.current() { samples.append(r) } }

    var summary: String {
        guard let first = samples.first, let peak = samples.max(), let last = samples.last else { return "not measured" }
        let quarter = samples[samples.count / 4], half = samples[samples.count / 2]
        func mb(_ b: Int) -> String { String(format: "%.0f MB", Double(b) / 1_048_576) }
        return "peak \(mb(peak)); " + (before.map { "before the first page \(mb($0)), " } ?? "")
            + "after the first page \(mb(first)), at 1/4 \(mb(quarter)), 1/2 \(mb(half)), end \(mb(last))"
    }
}

/// Bytes on disk per document next to the JSON of its version.
enum StoredSize {
    static func laptop(_ db: AppDatabase, documents: [Version]) throws -> String {
        try perDocument(db.writer, documents: documents.count, jsonBytes: documents.reduce(0) { $0 + VersionJSON.encode($1).count })
    }

    /// The database file's size (after a checkpoint folds the WAL in) per document, beside the JSON's.
    static func perDocument(_ writer: any DatabaseWriter, documents: Int, jsonBytes: Int) throws -> String {
        _ = try writer.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let size = (try FileManager.default.attributesOfItem(atPath: writer.path)[.size] as? Int) ?? 0
        let perDocument = Double(size) / Double(documents)
        let jsonPerDocument = Double(jsonBytes) / Double(documents)
        return String(format: "%.0f bytes per document on disk; its version's JSON is %.0f bytes (%.2f×)",
                      perDocument, jsonPerDocument, perDocument / jsonPerDocument)
    }
}
