import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Builds the dashboard's HTTP application: its own router and port, apart from the sync API.
public func buildDashboardApplication(_ configuration: DashboardConfiguration, store: any DashboardStore,
                                      logger: Logger = Logger(label: "mimamori-dashboard")) -> some ApplicationProtocol {
    let onListening = configuration.onListening
    return Application(
        router: buildDashboardRouter(configuration, store: store),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "mimamori-dashboard"),
        onServerRunning: { channel in
            await onListening(configuration.host, channel.localAddress?.port ?? configuration.port)
        },
        logger: logger)
}

public func buildDashboardRouter(_ configuration: DashboardConfiguration, store: any DashboardStore,
                                 sessions: DashboardSessions? = nil) -> Router<DashboardRequestContext> {
    let router = Router(context: DashboardRequestContext.self)
    router.add(middleware: DashboardErrorMiddleware())
    let sessions = sessions ?? DashboardSessions(lifetime: configuration.sessionLifetime,
                                                 failureBaseDelay: configuration.failureBaseDelay,
                                                 failureMaxDelay: configuration.failureMaxDelay)
    DashboardController(store: store, configuration: configuration, sessions: sessions).addRoutes(to: router)
    return router
}

/// Runs the dashboard while `body` runs, then stops it: for the benchmark and live tests. With port 0 it
/// takes a free port; `body` gets the base URL.
public func withRunningDashboard<T: Sendable>(
    _ configuration: DashboardConfiguration, store: any DashboardStore, logger: Logger = Logger(label: "mimamori-dashboard"),
    _ body: @escaping @Sendable (URL) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var configuration = configuration
    let onListening = configuration.onListening
    configuration.onListening = { host, port in
        await onListening(host, port)
        continuation.yield(port)
    }
    let app = buildDashboardApplication(configuration, store: store, logger: logger)
    let host = configuration.host
    let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.waitForAll()
            throw ServerStartFailure(host: host, port: configuration.port)
        }
        let result: T
        do {
            result = try await body(URL(string: "http://\(host):\(port)")!)
        } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return result
    }
}
