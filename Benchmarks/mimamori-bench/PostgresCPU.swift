import Foundation
import Logging
import MimamoriServer
import PostgresNIO

/// PostgreSQL's own CPU time, read from /proc when the cluster runs on this machine: its postmaster's, with what
/// its ended backends used (reaped children), plus its live processes'. Wall-clock rates on a busy machine vary by
/// 1.5× between runs; CPU per visit is what a change of the statements moves.
struct PostgresCPU: Sendable {
    let postmaster: Int32
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The cluster `url` names, found through one of its backends (whose parent is the postmaster); nil when it
    /// runs elsewhere.
    static func find(_ url: PostgresDatabaseURL) async -> PostgresCPU? {
        let pid = try? await PostgresBench.withConnection(url) { connection, logger -> Int32? in
            var backend: Int32?
            for try await pid in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) { backend = pid }
            return backend.flatMap { stat(of: $0)?.parent }
        }
        guard let found = pid ?? nil else { return nil }
        return PostgresCPU(postmaster: found)
    }

    /// The parent and the CPU ticks (own, then own plus reaped children's) of a process.
    private static func stat(of pid: Int32) -> (parent: Int32, own: Double, withChildren: Double)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After the command's closing parenthesis: state, ppid, …; utime, stime, cutime, cstime are fields 14–17.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 14, let parent = Int32(fields[1]), let utime = Double(fields[11]), let stime = Double(fields[12]),
              let cutime = Double(fields[13]), let cstime = Double(fields[14]) else { return nil }
        return (parent, utime + stime, utime + stime + cutime + cstime)
    }

    /// Microseconds of the cluster's CPU per item over `count` items since `before` (a reading of `seconds()`).
    func microseconds(since before: Double?, per count: Int) -> Double? {
        before.map { (seconds() - $0) * 1e6 / Double(count) }
    }

    /// Seconds of CPU the cluster has used so far.
    func seconds() -> Double {
        var ticks = Self.stat(of: postmaster)?.withChildren ?? 0
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), pid != postmaster, let s = Self.stat(of: pid), s.parent == postmaster else { continue }
            ticks += s.own
        }
        return ticks / Self.ticksPerSecond
    }
}
