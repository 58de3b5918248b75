import Foundation
import GRDB
import MimamoriClient
import MimamoriServer
import MimamoriShared

/// The server in a process of its own, so its memory is its own: `mimamori-bench --serve DIR` runs the sync
/// API on a free loopback port over the store in DIR, prints its URL on one line and stops when its standard
/// input closes. The parent pushes a workload into it, reads its peak resident memory (`VmHWM`) from
/// /proc, then pulls everything into a fresh laptop database while sampling its own (laptop-only) memory.
enum ServerProcess {
    /// The child's side.
    static func serve(directory: URL) async throws {
        let store = try SQLiteSyncStore(directory: directory)
        try await withRunningServer(ServerConfiguration(host: "127.0.0.1", port: 0), store: store, logger: MimamoriBench.serverLogger) { url in
            FileHandle.standardOutput.write(Data((url.absoluteString + "\n").utf8))
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    _ = FileHandle.standardInput.readDataToEndOfFile()
                    done.resume()
                }
            }
        }
    }

    /// The JSON bytes of the batches sent, summed from their tasks.
    final class JSONSizes: @unchecked Sendable {
        private let lock = NSLock()
        private var sum = 0
        func add(_ n: Int) { lock.withLock { sum += n } }
        var total: Int { lock.withLock { sum } }
    }

    /// A running child server.
    struct Child {
        let process: Process
        let input: Pipe
        let url: URL

        static func start(directory: URL) throws -> Child {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["--serve", directory.path]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let more = output.fileHandleForReading.availableData
                if more.isEmpty { throw BenchFailure("the server process stopped before listening") }
                line += more
            }
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let url = URL(string: text) else { throw BenchFailure("the server process printed '\(text)', not a URL") }
            return Child(process: process, input: input, url: url)
        }

        /// Peak and current resident memory of the child, in bytes (Linux /proc; nil elsewhere).
        func memory() -> (peak: Int, current: Int)? {
            guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return nil }
            func kB(_ field: String) -> Int? {
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
                return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
            }
            guard let peak = kB("VmHWM"), let current = kB("VmRSS") else { return nil }
            return (peak, current)
        }

        /// CPU time (user + system) the child has used so far, in seconds.
        func cpuSeconds() -> Double? { ServerProcess.cpuSeconds(pid: "\(process.processIdentifier)") }

        func stop() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// CPU time (user + system) a process has used, in seconds, from /proc/PID/stat (nil elsewhere). Under load
    /// from other processes a figure per visit of CPU time moves far less than one of wall time.
    static func cpuSeconds(pid: String) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3, utime 14 and stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU time of the child and of this process from a start, per visit.
    struct CPUClock {
        let child: Child
        let server: Double?
        let own: Double?

        init(child: Child) {
            self.child = child
            server = child.cpuSeconds()
            own = ServerProcess.cpuSeconds(pid: "self")
        }

        /// Microseconds of CPU per visit since the start, in the server and in this process.
        func perVisit(_ count: Int) -> (server: Double, own: Double)? {
            guard let server, let own, let serverNow = child.cpuSeconds(), let ownNow = ServerProcess.cpuSeconds(pid: "self") else { return nil }
            return ((serverNow - server) * 1e6 / Double(count), (ownNow - own) * 1e6 / Double(count))
        }
    }

    /// Subjects, then `visits` visits, pushed by each workload replica in turn in batches of 1000 (as `mimamori
    /// sync` does: `SyncEngine.batchesInFlight` in flight, each made while the ones before are sent); then everything pulled by an office
    /// laptop through `SyncEngine`.
    static func measure(visits: Int, dir: URL, pageSize: Int, ceiling: Double, report: inout Report) async throws {
        let serverDir = dir.appendingPathComponent("server-process")
        let setup = try SQLiteSyncStore(directory: serverDir)
        let tokens = try await MimamoriBench.visitorTokens(setup)
        let office = try await setup.issueToken(role: .office, name: "bench-office", districts: Workload.districts)
        let child = try Child.start(directory: serverDir)
        var stopped = false
        defer { if !stopped { child.stop() } }
        let label = "\(visits.formatted()) visits"

        var memorySamples: [Int] = []
        var jsonBytes = 0
        let pushCPU = CPUClock(child: child)
        let start = ContinuousClock.now
        for r in 0..<Workload.replicaCount {
            let replica = Workload.replicas[r]
            let transport = HTTPTransport(baseURL: child.url, token: tokens[r].secret, replicaId: replica)
            let subjects = stride(from: r, to: Workload.subjectCount, by: Workload.replicaCount).map(Workload.subject)
            let mine = Array(stride(from: r, to: visits, by: Workload.replicaCount))
            let batchCount = (mine.count + API.maxBatchSize - 1) / API.maxBatchSize
            @Sendable func batch(_ k: Int) -> [Version] {
                let s = k * API.maxBatchSize
                return mine[s..<min(s + API.maxBatchSize, mine.count)].map(Workload.visit)
            }
            let sizes = JSONSizes()
            try await MimamoriBench.pushBatches(batchCount + 1, replica: replica, transport: transport, made: sizes.add, replied: {
                if let m = child.memory() { memorySamples.append(m.current) }
            }) { k in k == 0 ? subjects : batch(k - 1) }
            jsonBytes += sizes.total
            await transport.shutdown()
            log("pushed replica \(r + 1)/\(Workload.replicaCount) into the server process")
        }
        let documents = visits + Workload.subjectCount
        let pushRate = Double(documents) / (ContinuousClock.now - start).seconds
        report.add("push into the server in its own process, \(label) (one laptop at a time, batches made as it goes)",
                   String(format: "%.0f visits/s (%.3f of ceiling)", pushRate, pushRate / ceiling))
        if let cpu = pushCPU.perVisit(documents) {
            report.add("CPU time per pushed visit: server process / sending process (making the batches included)",
                       String(format: "%.1f µs / %.1f µs (the server alone on a core: %.0f visits/s)", cpu.server, cpu.own, 1e6 / cpu.server))
        }
        func mb(_ b: Int) -> String { String(format: "%.0f MB", Double(b) / 1_048_576) }
        if let m = child.memory(), !memorySamples.isEmpty {
            let quarter = memorySamples[memorySamples.count / 4], half = memorySamples[memorySamples.count / 2]
            report.add("server resident memory while ingesting \(label) (its own process)",
                       "peak \(mb(m.peak)) (VmHWM); after the first batch \(mb(memorySamples[0])), at 1/4 \(mb(quarter)), 1/2 \(mb(half)), end \(mb(m.current))")
        }

        // Pull everything into a fresh laptop: this process now holds little besides the laptop.
        let client = try AppDatabase.open(directory: dir.appendingPathComponent("client-process"), create: true)
        try client.initReplica(visitorId: "office-2", name: "東校区事務局", role: "shakyo_staff", district: Workload.district(ofReplica: 1))
        try client.encrypt(passphrase: "bench passphrase")
        try client.login(server: child.url.absoluteString, token: office.secret)
        let pullCPU = CPUClock(child: child)
        let pull = try await MimamoriBench.pullAll(into: client, pageSize: pageSize, expected: documents, logEvery: 100_000)
        report.add("pull and apply \(label) from the server in its own process (encrypted laptop, pages of \(pageSize))",
                   String(format: "%.0f visits/s (%.3f of ceiling)", pull.rate, pull.rate / ceiling))
        if let cpu = pullCPU.perVisit(documents) {
            report.add("CPU time per pulled visit: server process / laptop process",
                       String(format: "%.1f µs / %.1f µs (the laptop alone on a core: %.0f visits/s)", cpu.server, cpu.own, 1e6 / cpu.own))
        }
        report.add("laptop resident memory while pulling \(label) (bench process without the server)", pull.rss.summary)
        if let m = child.memory() {
            report.add("server resident memory after serving the pull (its own process)", "peak \(mb(m.peak)) (VmHWM), now \(mb(m.current))")
        }
        child.stop()
        stopped = true

        report.add("server bytes stored per document (\(label), all tables and indexes, dashboard's included)",
                   try StoredSize.perDocument(setup.writer, documents: documents, jsonBytes: jsonBytes))
        report.add("laptop bytes stored per document (\(label), encrypted)",
                   try StoredSize.perDocument(client.writer, documents: documents, jsonBytes: jsonBytes))
    }
}
