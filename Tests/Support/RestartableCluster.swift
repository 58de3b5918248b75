import Foundation
import MimamoriServer

/// A PostgreSQL cluster a test may stop and start: `.ci/pg-cluster`, which `.ci/with-postgres` names in
/// MIMAMORI_TEST_POSTGRES_CTL. Each step is bounded in time, so a stuck `pg_ctl` fails the test, not CI.
public struct RestartableCluster: Sendable {
    public static let script = ProcessInfo.processInfo.environment["MIMAMORI_TEST_POSTGRES_CTL"].flatMap { $0.isEmpty ? nil : $0 }
    public static let skipReason = "this PostgreSQL test needs MIMAMORI_TEST_POSTGRES_CTL; run `.ci/with-postgres swift test`"

    public let name: String
    /// The superuser URL of its `postgres` database.
    public let admin: PostgresDatabaseURL
    /// With `tls`: the PEM file of the throw-away authority that signed the cluster's certificate.
    public let authority: String?

    /// Creates the cluster on first use and starts it; with `tls`, serving TLS with a certificate for 127.0.0.1.
    public static func start(_ name: String, tls: Bool = false) async throws -> RestartableCluster {
        let lines = try await run(["start", name] + (tls ? ["--tls"] : [])).split(separator: "\n").map(String.init)
        guard let url = lines.first else { throw Failure(description: "pg-cluster start \(name) printed no URL") }
        return RestartableCluster(name: name, admin: try PostgresDatabaseURL(parsing: url), authority: tls ? lines.last : nil)
    }

    public func start() async throws { _ = try await Self.run(["start", name] + (authority == nil ? [] : ["--tls"])) }
    public func stop() async throws { _ = try await Self.run(["stop", name]) }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs the script, killing it after 60 s; returns what it printed.
    private static func run(_ arguments: [String]) async throws -> String {
        guard let script else { throw Failure(description: skipReason) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.terminate()
        }
        // Waited for on a thread of its own: `waitUntilExit` blocks, and no cooperative thread may block.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread { process.waitUntilExit(); done.resume() }.start()
        }
        watchdog.cancel()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "pg-cluster \(arguments.joined(separator: " ")) failed (status \(process.terminationStatus))")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
