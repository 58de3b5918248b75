import Foundation
import MimamoriShared

/// Everything the server needs to start, built once (by `serve`, a test or the benchmark) and passed in.
/// Library code never reads environment variables.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests, benchmark); `onListening` then tells which.
    public var port: Int
    /// Japan-time today, the clock totals are reckoned by; replaceable in tests.
    public var today: @Sendable () -> LocalDate
    /// Days a client's clock may run ahead of the server's before a visit dated "today" is refused as future.
    public var clockSlackDays: Int
    /// How long a request waits for the database's first answer (health's epoch, a token's lookup) before it is
    /// refused with 503 `database_unavailable`: long enough that a busy server is not taken for a dead one, short
    /// enough that a PostgreSQL restart does not hold laptops and the load balancer for the pool's minute of retries.
    public var databaseWait: Duration
    /// Called with the bound port once the server listens.
    public var onListening: @Sendable (_ host: String, _ port: Int) async -> Void

    public init(host: String = "127.0.0.1", port: Int = 8080, today: @escaping @Sendable () -> LocalDate = { LocalDate.today() },
                clockSlackDays: Int = 1, databaseWait: Duration = .seconds(10),
                onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) {
        self.host = host
        self.port = port
        self.today = today
        self.clockSlackDays = clockSlackDays
        self.databaseWait = databaseWait
        self.onListening = onListening
    }

    /// The latest visit date a pushed version may carry.
    public func latestAcceptedVisitDate() -> LocalDate { today().adding(days: clockSlackDays) }
}
