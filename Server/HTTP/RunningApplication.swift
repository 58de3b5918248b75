import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A configuration with an address and a callback for the bound port: the sync server's and the dashboard's.
protocol ListeningConfiguration: Sendable {
    var host: String { get }
    var port: Int { get }
    var onListening: @Sendable (_ host: String, _ port: Int) async -> Void { get set }
}

extension ServerConfiguration: ListeningConfiguration {}
extension DashboardConfiguration: ListeningConfiguration {}

/// An application serving `router` on the configuration's address, telling `onListening` the bound port: what
/// the sync API, the dashboard and the metrics endpoint share.
func listeningApplication<Builder: HTTPResponderBuilder>(
    router: Builder, _ configuration: some ListeningConfiguration, serverName: String, logger: Logger
) -> some ApplicationProtocol where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    let (host, port, onListening) = (configuration.host, configuration.port, configuration.onListening)
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: serverName),
        onServerRunning: { channel in await onListening(host, channel.localAddress?.port ?? port) },
        logger: logger)
}

/// Runs the application `makeApp` builds from `configuration` while `body` runs, then stops it gracefully:
/// what `withRunningServer` and `withRunningDashboard` share. With port 0 it takes a free port; `body` gets
/// the base URL, e.g. `http://127.0.0.1:54321`.
func withRunningApplication<T: Sendable, C: ListeningConfiguration, App: ApplicationProtocol>(
    _ configuration: C, logger: Logger,
    _ makeApp: (C) -> App,
    _ body: @escaping @Sendable (URL) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var configuration = configuration
    let onListening = configuration.onListening
    configuration.onListening = { host, port in
        await onListening(host, port)
        continuation.yield(port)
    }
    let app = makeApp(configuration)
    let (host, port) = (configuration.host, configuration.port)
    // Stopped by a graceful shutdown rather than cancellation, so open connections finish quietly.
    let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { continuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            // The server stopped before listening: surface its error (e.g. the port is taken).
            try await group.waitForAll()
            throw ServerStartFailure(host: host, port: port)
        }
        let result: T
        do {
            result = try await body(URL(string: "http://\(host):\(bound)")!)
        } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return result
    }
}
