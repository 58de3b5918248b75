import Foundation
import Hummingbird
import Logging
import MimamoriShared
import ServiceLifecycle

/// Builds the HTTP application over a store: what `serve` runs, and what tests and the benchmark run
/// in-process (`app.test(.router)`) or live on port 0 (`app.test(.live)` or `runService()` with
/// `configuration.onListening`).
/// `metrics` is what it counts into (served by `buildMetricsApplication`); each application has its own unless given one.
public func buildApplication(_ configuration: ServerConfiguration, store: any SyncStore,
                             logger: Logger = .quiet("mimamori-server"),
                             metrics: ServerMetrics = ServerMetrics()) -> some ApplicationProtocol {
    listeningApplication(router: buildRouter(configuration, store: store, metrics: metrics), configuration,
                         serverName: "mimamori-server", logger: logger)
}

/// The routes: health without a token; everything else behind `AuthMiddleware`; every error as JSON; every
/// request logged in one line and timed.
public func buildRouter(_ configuration: ServerConfiguration, store: any SyncStore,
                        metrics: ServerMetrics = ServerMetrics()) -> Router<ServerRequestContext> {
    let router = Router(context: ServerRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware())
    let reports = ReportController(store: store, configuration: configuration)
    reports.addPublicRoutes(to: router)
    let authenticated = router.group().add(middleware: AuthMiddleware(store: store, databaseWait: configuration.databaseWait))
    if let dashboardStore = store as? any DashboardStore {
        authenticated.add(middleware: ContactRecordingMiddleware(store: dashboardStore))
    }
    SyncController(store: store, configuration: configuration, metrics: metrics).addRoutes(to: authenticated)
    reports.addRoutes(to: authenticated)
    return router
}

/// Runs the server while `body` runs, then stops it: for end-to-end tests and the benchmark.
/// With `configuration.port` 0 the server takes a free port; `body` gets the base URL, e.g. `http://127.0.0.1:54321`.
public func withRunningServer<T: Sendable>(
    _ configuration: ServerConfiguration, store: any SyncStore, logger: Logger = .quiet("mimamori-server"),
    metrics: ServerMetrics = ServerMetrics(), _ body: @escaping @Sendable (URL) async throws -> T
) async throws -> T {
    try await withRunningApplication(configuration, logger: logger, { buildApplication($0, store: store, logger: logger, metrics: metrics) }, body)
}

/// The server stopped on its own before the caller was done with it.
public struct ServerStartFailure: Error, LocalizedError {
    public let host: String
    public let port: Int
    public var errorDescription: String? { "the server on \(host):\(port) stopped unexpectedly" }
}

extension Logger {
    /// The logger of an application built without one (tests, the benchmark): warnings and errors only.
    /// `serve` passes its own at `.info`, which writes one line per request.
    @usableFromInline
    static func quiet(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }
}
