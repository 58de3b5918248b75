import Foundation
import MimamoriShared

/// How the dashboard runs: its own address and port (apart from the sync API), the session rules and the clock.
public struct DashboardConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; `onListening` tells which.
    public var port: Int
    /// Mark the session cookie `Secure`: set when the dashboard is reached over TLS (a reverse proxy in front).
    /// A request that arrives with `X-Forwarded-Proto: https` gets a `Secure` cookie either way.
    public var secureCookies: Bool
    /// A working day.
    public var sessionLifetime: TimeInterval
    /// The wait after the first failed sign-in from an address; it doubles with each further failure.
    public var failureBaseDelay: Duration
    public var failureMaxDelay: Duration
    /// Japan-time today: the default 年度 and the pro-rating date.
    public var today: @Sendable () -> LocalDate
    /// The clock of session expiry.
    public var now: @Sendable () -> Date
    public var onListening: @Sendable (_ host: String, _ port: Int) async -> Void

    public init(host: String = "127.0.0.1", port: Int = 8081, secureCookies: Bool = false,
                sessionLifetime: TimeInterval = 10 * 60 * 60, failureBaseDelay: Duration = .milliseconds(500),
                failureMaxDelay: Duration = .seconds(16), today: @escaping @Sendable () -> LocalDate = { LocalDate.today() },
                now: @escaping @Sendable () -> Date = { Date() },
                onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
        self.failureBaseDelay = failureBaseDelay
        self.failureMaxDelay = failureMaxDelay
        self.today = today
        self.now = now
        self.onListening = onListening
    }
}
