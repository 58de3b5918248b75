import Foundation
import Hummingbird
import Logging

/// Builds the dashboard's HTTP application: its own router and port, apart from the sync API. Its requests are
/// logged and timed like the API's (one line each, `X-Request-Id`), into `metrics` when given.
public func buildDashboardApplication(_ configuration: DashboardConfiguration, store: any DashboardStore,
                                      logger: Logger = .quiet("mimamori-dashboard"),
                                      metrics: ServerMetrics = ServerMetrics()) -> some ApplicationProtocol {
    listeningApplication(router: buildDashboardRouter(configuration, store: store, metrics: metrics), configuration,
                         serverName: "mimamori-dashboard", logger: logger)
}

/// The dashboard's routes over `store`. Sessions live in the store; `throttle` (sign-in failures) is this
/// process's own, made from the configuration unless given.
public func buildDashboardRouter(_ configuration: DashboardConfiguration, store: any DashboardStore,
                                 throttle: SignInThrottle? = nil,
                                 metrics: ServerMetrics = ServerMetrics()) -> Router<DashboardRequestContext> {
    let router = Router(context: DashboardRequestContext.self)
    router.add(middleware: RequestLogMiddleware(metrics: metrics, routes: DashboardController.routes))
    router.add(middleware: DashboardErrorMiddleware())
    let throttle = throttle ?? SignInThrottle(baseDelay: configuration.failureBaseDelay, maxDelay: configuration.failureMaxDelay)
    let sessions = DashboardSessions(store: store, lifetime: configuration.sessionLifetime, now: configuration.now)
    DashboardController(store: store, configuration: configuration, sessions: sessions, throttle: throttle).addRoutes(to: router)
    return router
}

/// Runs the dashboard while `body` runs, then stops it: for the benchmark and live tests. With port 0 it
/// takes a free port; `body` gets the base URL.
public func withRunningDashboard<T: Sendable>(
    _ configuration: DashboardConfiguration, store: any DashboardStore, logger: Logger = .quiet("mimamori-dashboard"),
    _ body: @escaping @Sendable (URL) async throws -> T
) async throws -> T {
    try await withRunningApplication(configuration, logger: logger, { buildDashboardApplication($0, store: store, logger: logger) }, body)
}
