import CoreMetrics
import Foundation
import HTTPTypes
import MimamoriShared
import Prometheus

/// What a server counts, for a Prometheus scraper (`--metrics-port`, docs/operations.md): pushes, versions by
/// outcome, rejections by code, pull pages and request latency. Counts only, labelled by values the server
/// chooses (outcome, code, route pattern, method, status): never a path as sent, a district, an id, a name or a note.
///
/// Each application gets its own registry rather than the process-wide `MetricsSystem`: tests run many servers
/// in one process, and `MetricsSystem.bootstrap` may run only once. The metrics go through swift-metrics'
/// types with this registry's factory, so any swift-metrics backend could replace Prometheus here.
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Pushes of a thousand versions take longer than the default's 5 ms at the low end says anything about.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
            .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
        // Every series of a fixed label set exists from the start, at 0, so `rate()` sees the first increase.
        for result in PushKind.allCases { counter(Name.pushes, [("result", result.rawValue)]).increment(by: 0) }
        for outcome in Self.outcomes { counter(Name.versions, [("outcome", outcome.rawValue)]).increment(by: 0) }
        for code in RejectionCode.allCases { counter(Name.rejections, [("code", code.rawValue)]).increment(by: 0) }
        counter(Name.pullPages, []).increment(by: 0)
    }

    /// The metric names, in Prometheus' own spelling.
    public enum Name {
        public static let pushes = "mimamori_pushes_total"
        public static let versions = "mimamori_push_versions_total"
        public static let rejections = "mimamori_push_rejections_total"
        public static let pullPages = "mimamori_pull_pages_total"
        public static let requestDuration = "mimamori_http_request_duration_seconds"

        /// What each metric counts, for the `# HELP` line a scraper's user reads. swift-prometheus' factory
        /// registers every metric with an empty help text (and refuses a second, different one), so
        /// `exposition()` adds these lines itself.
        static let help: [String: String] = [
            pushes: "Push requests answered, by result: applied now, or replayed (the stored reply of a batch sent again).",
            versions: "Versions in applied pushes, by outcome: new, known, conflict, rejected.",
            rejections: "Versions refused, by rejection code.",
            pullPages: "Pages of changes served to pulls.",
            requestDuration: "HTTP request latency in seconds, by route pattern, method and status.",
        ]
    }

    /// A push applied now, or answered with the reply stored when the batch was first applied.
    enum PushKind: String, CaseIterable { case applied, replayed }

    static let outcomes: [PushOutcome] = [.new, .known, .conflict, .rejected]

    private func counter(_ name: String, _ labels: [(String, String)]) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: name, dimensions: labels, factory: factory)
    }

    /// Counts one push reply: the batch, and its versions by outcome and rejection code. A replayed batch
    /// counts as a push but not its versions again: they were counted when it was applied.
    func recordPush(_ reply: PushReply) {
        counter(Name.pushes, [("result", (reply.replayed ? PushKind.replayed : .applied).rawValue)]).increment()
        guard !reply.replayed else { return }
        var outcomes: [PushOutcome: Int] = [:]
        var codes: [String: Int] = [:]
        for result in reply.response.results {
            outcomes[result.outcome, default: 0] += 1
            if result.outcome == .rejected {
                // The code is the server's own; an unknown one is still counted, never used as a label as is.
                let code = result.code.flatMap(RejectionCode.init(rawValue:))?.rawValue ?? "other"
                codes[code, default: 0] += 1
            }
        }
        for (outcome, count) in outcomes { counter(Name.versions, [("outcome", outcome.rawValue)]).increment(by: count) }
        for (code, count) in codes { counter(Name.rejections, [("code", code)]).increment(by: count) }
    }

    func recordPullPage() {
        counter(Name.pullPages, []).increment()
    }

    /// One request's latency, by route pattern (never the path as sent), method and status.
    func recordRequest(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration) {
        let nanoseconds = duration.components.seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue
            &+ duration.components.attoseconds / 1_000_000_000
        CoreMetrics.Timer(label: Name.requestDuration,
                          dimensions: [("route", route), ("method", Self.methodLabel(method)), ("status", String(status.code))],
                          factory: factory)
            .recordNanoseconds(max(0, nanoseconds))
    }

    /// The method as a label: the standard ones by name, anything a client invented as `other`, so a client
    /// cannot grow the number of series.
    static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .options, .patch: return method.rawValue
        default: return "other"
        }
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        var lines: [Substring] = []
        for line in registry.emitToString().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.dropFirst(7).split(separator: " ").first,
               let help = Name.help[String(name)] {
                lines.append("# HELP \(name) \(help)")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
