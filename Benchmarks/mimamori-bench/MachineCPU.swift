import Foundation

/// How busy this machine's processors were over a step, from /proc/stat's first line (all processors together):
/// where it is near 100%, every process of the step (laptops, servers, the database) shares saturated cores, and
/// no arrangement of them can go faster on this machine.
struct MachineCPU: Sendable {
    let busy: Double
    let total: Double

    /// Now; nil where /proc/stat cannot be read (not Linux).
    static func now() -> MachineCPU? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        // user nice system idle iowait irq softirq steal …: idle and iowait are the processors' idle time.
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 5 else { return nil }
        let total = ticks.prefix(8).reduce(0, +)
        return MachineCPU(busy: total - ticks[3] - ticks[4], total: total)
    }

    /// The share of the processors' time spent busy since `self`, with their number: "97% of 2 processors".
    func busySince() -> String? {
        guard let end = Self.now(), end.total > total else { return nil }
        let share = (end.busy - busy) / (end.total - total) * 100
        return String(format: "%.0f%% of %d processors", share, ProcessInfo.processInfo.activeProcessorCount)
    }
}
