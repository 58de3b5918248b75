import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs an application while `body` runs, then stops it gracefully: what `withRunningServer` and
/// `withRunningDashboard` share. `makeApp` gets the callback to call with the bound port once it listens.
func withRunningApplication<T: Sendable, App: ApplicationProtocol>(
    host: String, port: Int, logger: Logger,
    _ makeApp: (_ listened: @escaping @Sendable (Int) async -> Void) -> App,
    _ body: @escaping @Sendable (URL) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = makeApp { port in continuation.yield(port) }
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
