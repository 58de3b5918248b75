import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import MimamoriShared

/// `mimamori-server`: the sync server of Mimamori (見守り) and the administration of its tokens.
public struct MimamoriServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mimamori-server",
        abstract: "The Mimamori sync server: laptops and district offices meet here to exchange visits.",
        subcommands: [ServeCommand.self, TokenCommand.self, BackupCommand.self, RestoreCommand.self])

    public init() {}
}

/// Where the server keeps its database; shared by `serve` and the token commands.
public struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: ArgumentHelp("Folder of the server database; created (mode 0700) if missing. Example: --data-dir /var/lib/mimamori",
                               valueName: "dir"))
    public var dataDirectory: String = DataDirectoryOptions.defaultDirectory

    @Option(name: .customLong("database"),
            help: ArgumentHelp("A PostgreSQL database to use instead of the SQLite one in --data-dir (several servers may share it); also read from MIMAMORI_DATABASE_URL. Example: --database postgres://mimamori@127.0.0.1:5432/mimamori",
                               valueName: "url"))
    public var database: String?

    public static let defaultDirectory = "./mimamori-server-data"

    public init() {}

    public func validate() throws {
        if dataDirectory.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--data-dir: give a folder path, e.g. --data-dir ./mimamori-server-data")
        }
        _ = try location(environment: ProcessInfo.processInfo.environment)
    }

    public var url: URL { URL(fileURLWithPath: (dataDirectory as NSString).expandingTildeInPath, isDirectory: true) }

    public func openStore() throws -> SQLiteSyncStore {
        do {
            return try SQLiteSyncStore(directory: url)
        } catch {
            throw CommandFailure("cannot open the server database in \(url.path): \(error.localizedDescription)")
        }
    }
}

/// A runtime failure with a message a person can act on (bad arguments are `ValidationError`s instead).
public struct CommandFailure: Error, LocalizedError, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var errorDescription: String? { message }
    public var description: String { message }
}

public struct ServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the sync server over HTTP, with its embedded SQLite database or a shared PostgreSQL one.",
        discussion: "Example: mimamori-server serve --data-dir ./mimamori-server-data --host 0.0.0.0 --port 8080")

    @OptionGroup public var data: DataDirectoryOptions

    @Option(help: ArgumentHelp("Address to listen on; 0.0.0.0 for every interface. Example: --host 0.0.0.0", valueName: "address"))
    public var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("TCP port to listen on, 1–65535 (0 picks a free one). Example: --port 8080", valueName: "port"))
    public var port: Int = 8080

    @Option(name: .customLong("dashboard-port"),
            help: ArgumentHelp("TCP port of the coordinators' and offices' dashboard (a browser page in Japanese), 1–65535; 0 picks a free one. Example: --dashboard-port 8081", valueName: "port"))
    public var dashboardPort: Int = 8081

    @Option(name: .customLong("metrics-port"),
            help: ArgumentHelp("TCP port of GET /metrics for a Prometheus scraper (counts only, no token needed), 1–65535; 0 picks a free one; not served unless given. Keep it on a private address. Example: --metrics-port 9464", valueName: "port"))
    public var metricsPort: Int?

    @Flag(name: .customLong("no-dashboard"), help: "Do not serve the dashboard.")
    public var noDashboard = false

    @Flag(name: .customLong("dashboard-behind-tls"),
          help: "The dashboard is reached over HTTPS through a reverse proxy: mark its session cookie Secure.")
    public var dashboardBehindTLS = false

    public init() {}

    public func validate() throws {
        guard (0...65535).contains(dashboardPort) else {
            throw ValidationError("--dashboard-port: '\(dashboardPort)' is not accepted; accepted: a whole number from 0 to 65535, e.g. --dashboard-port 8081")
        }
        if !noDashboard && dashboardPort == port && port != 0 {
            throw ValidationError("--dashboard-port: '\(dashboardPort)' is the sync API's --port too; give the dashboard its own port, e.g. --dashboard-port \(port == 8081 ? 8082 : 8081)")
        }
        if let metricsPort {
            guard (0...65535).contains(metricsPort) else {
                throw ValidationError("--metrics-port: '\(metricsPort)' is not accepted; accepted: a whole number from 0 to 65535, e.g. --metrics-port 9464")
            }
            if metricsPort != 0 && (metricsPort == port || (!noDashboard && metricsPort == dashboardPort)) {
                throw ValidationError("--metrics-port: '\(metricsPort)' is already the \(metricsPort == port ? "sync API's --port" : "--dashboard-port"); give the metrics their own port, e.g. --metrics-port 9464")
            }
        }
        guard (0...65535).contains(port) else {
            throw ValidationError("--port: '\(port)' is not accepted; accepted: a whole number from 0 to 65535, e.g. --port 8080")
        }
        if host.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--host: give an address, e.g. --host 127.0.0.1 or --host 0.0.0.0")
        }
    }

    public func run() async throws {
        let logger = {
            var logger = Logger(label: "mimamori-server")
            logger.logLevel = .info
            return logger
        }()
        try await data.withStore(logger: logger) { store, described in
            let epoch = try await store.epoch()
            logger.info("database \(described), epoch \(epoch)")
            let configuration = ServerConfiguration(host: host, port: port, onListening: { host, port in
                logger.info("listening on http://\(host):\(port)")
            })
            let metrics = ServerMetrics()
            var services: [any Service] = [buildApplication(configuration, store: store, logger: logger, metrics: metrics)]
            if let metricsPort {
                let metricsConfiguration = MetricsConfiguration(host: host, port: metricsPort, onListening: { host, port in
                    logger.info("metrics on http://\(host):\(port)\(MetricsEndpoint.path)")
                })
                services.append(buildMetricsApplication(metricsConfiguration, metrics: metrics, logger: logger))
            }
            if !noDashboard {
                let dashboard = DashboardConfiguration(host: host, port: dashboardPort, secureCookies: dashboardBehindTLS,
                                                       onListening: { host, port in
                    logger.info("dashboard on http://\(host):\(port)")
                })
                services.append(buildDashboardApplication(dashboard, store: store, logger: logger, metrics: metrics))
            }
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}
