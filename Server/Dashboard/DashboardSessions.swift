import Crypto
import Foundation
import MimamoriShared

/// Server-side sign-in sessions of the dashboard, kept in the database so that every server behind a load
/// balancer shares them and a restart signs no one out. The browser holds only a random session id (never the
/// token); the database holds its SHA-256, the token's id and the expiry (a working day). A session lookup
/// joins the token and refuses it once revoked, so revoking a token ends its sessions on every server at once.
public struct DashboardSessions: Sendable {
    let store: any DashboardStore
    let lifetime: TimeInterval
    private let now: @Sendable () -> Date

    public init(store: any DashboardStore, lifetime: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.lifetime = lifetime
        self.now = now
    }

    /// Starts a session for the token and returns its id for the cookie; expired sessions are purged.
    public func start(tokenId: String) async throws -> String {
        var rng = SystemRandomNumberGenerator()
        let id = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng).zeroPadded2Hex }.joined()
        let current = now()
        try await store.startSession(DashboardSessionRecord(idHash: Self.key(id), tokenId: tokenId,
                                                            expiresAt: Timestamp(current.addingTimeInterval(lifetime))),
                                     now: Timestamp(current))
        return id
    }

    /// The token of this session id, if the session exists, has not expired and its token is not revoked.
    public func token(_ id: String) async throws -> TokenInfo? {
        try await store.sessionToken(idHash: Self.key(id), now: Timestamp(now()))
    }

    public func end(_ id: String) async throws { try await store.endSession(idHash: Self.key(id)) }

    static func key(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).map(\.zeroPadded2Hex).joined()
    }
}

/// Slows down repeated sign-in failures from one address: nothing at first, then a delay doubling with each
/// recent failure. Kept per server process (docs/operations.md): behind a load balancer each server slows an
/// address on its own, so a guesser gains at most a factor of the number of servers — against secrets of 256
/// random bits that is nothing, and it keeps a failed sign-in from writing to the database.
public actor SignInThrottle {
    let baseDelay: Duration
    let maxDelay: Duration
    /// Failures older than this are forgotten.
    let memory: TimeInterval = 15 * 60
    private let now: @Sendable () -> Date
    private var failures: [String: (count: Int, last: Date)] = [:]

    public init(baseDelay: Duration, maxDelay: Duration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.now = now
    }

    /// How long a sign-in attempt from `address` waits before it is checked: nothing at first, then the base
    /// delay doubling with each recent failure, up to the maximum.
    public func delay(for address: String) -> Duration {
        guard let f = failures[address], now().timeIntervalSince(f.last) < memory, f.count > 0 else { return .zero }
        var d = baseDelay
        for _ in 1..<min(f.count, 16) { d = d * 2 }
        return min(d, maxDelay)
    }

    public func recordFailure(from address: String) {
        let current = now()
        let previous = failures[address].flatMap { current.timeIntervalSince($0.last) < memory ? $0.count : nil } ?? 0
        failures[address] = (previous + 1, current)
        if failures.count > 10_000 { failures = failures.filter { current.timeIntervalSince($0.value.last) < memory } }
    }

    public func recordSuccess(from address: String) { failures[address] = nil }
}

extension UInt8 {
    var zeroPadded2Hex: String { (self < 16 ? "0" : "") + String(self, radix: 16) }
}
