import Foundation
import Hummingbird
import Logging

/// Where `/metrics` is served: a port of its own (`serve --metrics-port`), apart from the sync API. Not on the API
/// port, because there a reverse proxy would expose it to every laptop's network and every request would come
/// from the proxy's loopback address, so no address check could tell a scraper from the world. It holds counts
/// only (no names, notes, ids or districts), but who may read them is the operator's choice: bind it to a private
/// address (docs/operations.md).
public struct MetricsConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; `onListening` tells which.
    public var port: Int
    public var onListening: @Sendable (_ host: String, _ port: Int) async -> Void

    public init(host: String = "127.0.0.1", port: Int = 9464, onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) {
        self.host = host
        self.port = port
        self.onListening = onListening
    }
}

extension MetricsConfiguration: ListeningConfiguration {}

public enum MetricsEndpoint {
    public static let path = "/metrics"
    /// Prometheus' text exposition format, version 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}

/// The scrape endpoint, `GET /metrics`, over `metrics`, the registry the sync API counts into.
public func buildMetricsRouter(_ metrics: ServerMetrics) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.get(RouterPath(MetricsEndpoint.path)) { _, _ in
        Response(status: .ok, headers: [.contentType: MetricsEndpoint.contentType],
                 body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }
    return router
}

public func buildMetricsApplication(_ configuration: MetricsConfiguration, metrics: ServerMetrics,
                                    logger: Logger = .quiet("mimamori-metrics")) -> some ApplicationProtocol {
    listeningApplication(router: buildMetricsRouter(metrics), configuration, serverName: "mimamori-metrics", logger: logger)
}
