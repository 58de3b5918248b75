import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("Metrics and request logs")
struct ObservabilityTests {
    @Test("after pushes and pulls, /metrics counts them exactly, in Prometheus text whose every line parses")
    func metrics() async throws {
        let store = try SQLiteSyncStore.inMemory()
        let fx = try await ServerFixture(store: store)
        let second = try await store.issueToken(role: .visitor, name: "Suzuki", districts: ["nishi"])
        let metrics = ServerMetrics()
        try await buildApplication(fx.configuration, store: store, metrics: metrics).test(.router) { (client) async throws in
            // Given: replica A pushes a subject, a visit and a visit of a district its token does not cover …
            let (a, b) = ("replica-a", "replica-b")
            let subject = Fixture.create(Fixture.subject("S-0001", name: "佐藤 一郎"), replica: a, counter: 1)
            let visit = Fixture.create(Fixture.visit("visit-1", note: "玄関で話した"), replica: a, counter: 2)
            let outside = Fixture.create(Fixture.visit("visit-2", district: "higashi"), replica: a, counter: 3)
            let batch = PushRequest(batchId: "batch-1", replicaId: a, versions: [subject, visit, outside])
            #expect(try await client.push(batch, token: fx.visitor).status == .ok)
            // … retries the same batch, and sends the visit again; B writes the subject concurrently.
            #expect(try await client.push(batch, token: fx.visitor).status == .ok)
            #expect(try await client.pushOK([visit], replica: a, token: fx.visitor).map(\.outcome) == [.known])
            let concurrent = Fixture.create(Fixture.subject("S-0001", name: "佐藤 一朗"), replica: b, counter: 1)
            #expect(try await client.pushOK([concurrent], replica: b, token: second).map(\.outcome) == [.conflict])
            // Two pull pages, and a request for a path that is no route (with a name in it).
            #expect(try await client.changes(since: 0, token: fx.visitor, replica: a).status == .ok)
            #expect(try await client.changes(since: 0, limit: 1, token: fx.visitor, replica: a).status == .ok)
            #expect(try await client.send(.get, "/v1/subjects/Sato-Hanako?name=Sato", token: fx.visitor.secret).status == .notFound)
        }

        // When: Prometheus scrapes the metrics port.
        let scrape = try await buildMetricsApplication(MetricsConfiguration(port: 0), metrics: metrics).test(.router) { client in
            let response = try await client.executeRequest(uri: MetricsEndpoint.path, method: .get, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == MetricsEndpoint.contentType)
            return String(decoding: response.body.readableBytesView, as: UTF8.self)
        }

        // Then: every line parses, and the counters moved by exactly what happened.
        let samples = try #require(PrometheusText.parse(scrape), "every line is `name{labels} value` or a comment:\n\(scrape)")
        // Every metric says what it counts, on a `# HELP` line just before its `# TYPE`.
        let lines = scrape.split(separator: "\n").map(String.init)
        for name in [ServerMetrics.Name.pushes, ServerMetrics.Name.versions, ServerMetrics.Name.rejections,
                     ServerMetrics.Name.pullPages, ServerMetrics.Name.requestDuration] {
            let type = try #require(lines.firstIndex { $0.hasPrefix("# TYPE \(name) ") }, "\(name) has a # TYPE")
            #expect(type > 0 && lines[type - 1].hasPrefix("# HELP \(name) ") && lines[type - 1].count > "# HELP \(name) ".count + 10)
        }
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("mimamori_pushes_total", ["result": "applied"]) == 3)
        #expect(value("mimamori_pushes_total", ["result": "replayed"]) == 1)
        #expect(value("mimamori_push_versions_total", ["outcome": "new"]) == 2)
        #expect(value("mimamori_push_versions_total", ["outcome": "known"]) == 1)
        #expect(value("mimamori_push_versions_total", ["outcome": "conflict"]) == 1)
        #expect(value("mimamori_push_versions_total", ["outcome": "rejected"]) == 1)
        #expect(value("mimamori_push_rejections_total", ["code": "out_of_scope"]) == 1)
        #expect(value("mimamori_push_rejections_total", ["code": "invalid_record"]) == 0, "every code is there from the start")
        #expect(value("mimamori_pull_pages_total") == 2)
        let duration = "mimamori_http_request_duration_seconds_count"
        #expect(value(duration, ["route": "/v1/push", "method": "POST", "status": "200"]) == 4)
        #expect(value(duration, ["route": "/v1/changes", "method": "GET", "status": "200"]) == 2)
        #expect(value(duration, ["route": "unmatched", "method": "GET", "status": "404"]) == 1)
        #expect(samples.contains { $0.name == "mimamori_http_request_duration_seconds_bucket" && $0.labels["le"] == "+Inf" })
        // Counts only: no path as sent, id, district, name, note or token.
        for secret in ["Sato", "subjects", "S-0001", "visit-1", "replica-a", "nishi", "higashi", "佐藤", "玄関", fx.visitor.secret] {
            #expect(!scrape.contains(secret), "the scrape shows '\(secret)'")
        }
    }

    @Test("serve --metrics-port takes a free port of its own, or says what is accepted",
          arguments: [(["--metrics-port", "70000"], "--metrics-port: '70000' is not accepted; accepted: a whole number from 0 to 65535"),
                      (["--port", "8080", "--metrics-port", "8080"], "--metrics-port: '8080' is already the sync API's --port"),
                      (["--dashboard-port", "8081", "--metrics-port", "8081"], "--metrics-port: '8081' is already the --dashboard-port"),
                      (["--metrics-port", "9464"], nil), (["--no-dashboard", "--dashboard-port", "9464", "--metrics-port", "9464"], nil)])
    func metricsPortOption(arguments: [String], message: String?) {
        let refusal = CommandTests.parseError(["serve"] + arguments)
        if let message {
            #expect(refusal?.contains(message) == true, "\(refusal ?? "accepted")")
        } else {
            #expect(refusal == nil)
        }
    }

    @Test("one log line per request, with its id (also in the reply), method, route, status and duration; never a token, name, note or query")
    func requestLog() async throws {
        let log = CapturedLog()
        var logger = Logger(label: "mimamori-server") { _ in CapturingLogHandler(log: log) }
        logger.logLevel = .trace
        let store = try SQLiteSyncStore.inMemory()
        let fx = try await ServerFixture(store: store)
        let revoked = try await store.issueToken(role: .coordinator, name: "田中 太郎", districts: [])
        try await store.revokeToken(id: revoked.info.id)
        let replica = UUID().uuidString.lowercased()
        let proxyID = "0123456789abcdef0123456789abcdef"
        let personal = ["佐藤 花子", "玄関先で長く話した", "Sato-Hanako", "田中 太郎", fx.visitor.secret, revoked.secret]

        let replies = try await buildApplication(fx.configuration, store: store, logger: logger).test(.router) { client in
            var replies: [TestResponse] = []
            // Given: requests that carry a token, a name and a note in every place a request can.
            let subject = Fixture.create(Fixture.subject("S-0001", name: "佐藤 花子"), replica: replica, counter: 1)
            let visit = Fixture.create(Fixture.visit("visit-1", note: "玄関先で長く話した"), replica: replica, counter: 2)
            let batch = PushRequest(batchId: "batch-1", replicaId: replica, versions: [subject, visit])
            replies.append(try await client.push(batch, token: fx.visitor, replicaHeader: replica))
            replies.append(try await client.send(.get, API.changesPath + "?since=0&name=Sato-Hanako", token: fx.visitor.secret, replica: replica))
            replies.append(try await client.send(.get, "/v1/subjects/Sato-Hanako", token: fx.visitor.secret))
            replies.append(try await client.send(.get, API.totalsPath, token: revoked.secret))
            replies.append(try await client.send(.get, API.totalsPath, token: "mmr_not-a-token-" + fx.visitor.secret))
            // An id a proxy gave is kept; one that could carry anything readable is replaced.
            replies.append(try await client.executeRequest(uri: API.healthPath, method: .get, headers: [RequestID.headerName: proxyID], body: nil))
            replies.append(try await client.executeRequest(uri: API.healthPath, method: .get, headers: [RequestID.headerName: "Sato-Hanako-0123456789abcdef"], body: nil))
            return replies
        }
        #expect(replies.map(\.status) == [.ok, .ok, .notFound, .unauthorized, .unauthorized, .ok, .ok])
        #expect(replies[3].text.contains("田中 太郎"), "the refusal names the revoked token to its holder, in the reply only")

        // Then: one line per request, in order, saying what happened.
        let lines = log.entries.filter { $0.message == "request" }
        #expect(lines.count == replies.count)
        let ids = replies.map { $0.headers[RequestID.headerName] ?? "" }
        #expect(lines.map { $0.metadata["request_id"] ?? "" } == ids, "the logged id is the one in the reply")
        #expect(Set(ids).count == ids.count && ids.allSatisfy(RequestID.isAcceptable))
        #expect(ids[5] == proxyID)
        #expect(ids[6] != "Sato-Hanako-0123456789abcdef")
        #expect(lines.map { $0.metadata["route"] ?? "" }
                == [API.pushPath, API.changesPath, "unmatched", API.totalsPath, API.totalsPath, API.healthPath, API.healthPath])
        #expect(lines.map { $0.metadata["status"] ?? "" } == ["200", "200", "404", "401", "401", "200", "200"])
        #expect(lines.map { $0.metadata["method"] ?? "" } == ["POST", "GET", "GET", "GET", "GET", "GET", "GET"])
        #expect(lines.allSatisfy { Double($0.metadata["duration_ms"] ?? "") != nil })
        #expect(lines[0].metadata["replica"] == replica, "the replica id, a random UUID, is logged")

        // And no line of any level, from any part of the server, holds a token, a name, a note or a query.
        for entry in log.entries {
            for text in personal + ["?since", "name="] {
                #expect(!entry.rendered.contains(text), "a log line shows '\(text)': \(entry.rendered)")
            }
        }
    }
}

extension ObservabilityTests {
    @Test("an unexpected failure is logged with the request's id and route pattern, never the path as sent")
    func failureLog() async throws {
        let log = CapturedLog()
        let logger = Logger(label: "mimamori-server") { _ in CapturingLogHandler(log: log) }
        let fx = try await ServerFixture()
        let reply = try await buildApplication(fx.configuration, store: FailingPushStore(base: fx.sqlite), logger: logger).test(.router) { client in
            let v = Fixture.create(Fixture.subject("S-0001", name: "佐藤 花子"), replica: "replica-a", counter: 1)
            return try await client.push(PushRequest(batchId: "b", replicaId: "replica-a", versions: [v]), token: fx.visitor)
        }
        #expect(reply.status == .internalServerError)
        let failure = try #require(log.entries.first { $0.message == "request failed" })
        #expect(failure.level == .error)
        #expect(failure.metadata["route"] == API.pushPath)
        #expect(failure.metadata["request_id"] == reply.headers[RequestID.headerName])
        #expect(log.entries.filter { $0.message == "request" }.map { $0.metadata["status"] } == ["500"])
        #expect(!log.entries.contains { $0.rendered.contains("佐藤") || $0.rendered.contains(fx.visitor.secret) })
    }
}

/// Prometheus' text exposition, read strictly: each line a `# HELP`/`# TYPE` comment or `name{labels} value`.
enum PrometheusText {
    struct Sample: Equatable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// The samples, or nil when any line does not parse.
    static func parse(_ text: String) -> [Sample]? {
        var samples: [Sample] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") { continue }
            guard let sample = sample(Substring(line)) else { return nil }
            samples.append(sample)
        }
        return samples
    }

    private static func isNameCharacter(_ c: Character, first: Bool) -> Bool {
        c.isASCII && (c.isLetter || c == "_" || c == ":" || (!first && c.isNumber))
    }

    private static func sample(_ line: Substring) -> Sample? {
        var rest = line[...]
        let name = rest.prefix { isNameCharacter($0, first: false) }
        guard let first = name.first, isNameCharacter(first, first: true) else { return nil }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { isNameCharacter($0, first: false) && $0 != ":" }
                guard !key.isEmpty, rest.dropFirst(key.count).hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(key.count + 2)
                var value = ""
                while let c = rest.first, c != "\"" {
                    if c == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first else { return nil }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(c)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"", labels.updateValue(value, forKey: String(key)) == nil else { return nil }
                rest = rest.dropFirst()
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { return nil }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { return nil }
        let valueText = rest.dropFirst()
        let value: Double? = switch valueText {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        default: Double(valueText)
        }
        guard let value else { return nil }
        return Sample(name: String(name), labels: labels, value: value)
    }
}

/// Every line logged through `CapturingLogHandler`, with its metadata as text.
final class CapturedLog: @unchecked Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
        /// The line as a log file would hold it.
        var rendered: String {
            "\(level) \(message) " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    private let lock = NSLock()
    private var stored: [Entry] = []

    var entries: [Entry] { lock.withLock { stored } }
    func append(_ entry: Entry) { lock.withLock { stored.append(entry) } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error { merged["error"] = "\(error)" }
        log.append(.init(level: event.level, message: event.message.description, metadata: merged.mapValues { "\($0)" }))
    }
}

extension ObservabilityTests {
    @Test("the dashboard logs one line per request too: route pattern, status and id, never the token, the session or a name")
    func dashboardRequestLog() async throws {
        let log = CapturedLog()
        let logger = Logger(label: "mimamori-dashboard") { _ in CapturingLogHandler(log: log) }
        try await DashboardFixture.with(.sqlite) { fixture in
            let app = Application(router: buildDashboardRouter(fixture.configuration, store: fixture.store), logger: logger)
            let (session, statuses, ids) = try await app.test(.router) { client in
                let session = try await client.signIn(fixture.office)
                var replies = [try await client.get("/dashboard", cookie: session),
                               try await client.get("/csv/minsei.csv?month=2025-10", cookie: session),
                               try await client.postForm("/login", "token=mmr_wrong-\(fixture.coordinator.secret)"),
                               try await client.get("/nothing-here?name=佐藤", cookie: session)]
                replies.append(try await client.postForm("/logout", "", cookie: session))
                return (session, replies.map(\.status.code), replies.map { $0.headers[RequestID.headerName] ?? "" })
            }
            #expect(statuses == [200, 200, 401, 404, 303])
            let lines = log.entries.filter { $0.message == "request" }
            #expect(lines.map { $0.metadata["route"] ?? "" } == ["/login", "/dashboard", "/csv/{file}", "/login", "unmatched", "/logout"])
            #expect(lines.map { $0.metadata["status"] ?? "" } == ["303"] + statuses.map(String.init))
            #expect(Array(lines.dropFirst().map { $0.metadata["request_id"] ?? "" }) == ids, "the logged id is the one in the reply")
            let sessionValue = String(session.split(separator: "=").last ?? "")
            for entry in log.entries {
                for text in DashboardFixture.secrets + [fixture.office.secret, fixture.coordinator.secret, sessionValue, "佐藤", "minsei.csv", "month="] {
                    #expect(!entry.rendered.contains(text), "a log line shows '\(text)': \(entry.rendered)")
                }
            }
        }
    }
}
