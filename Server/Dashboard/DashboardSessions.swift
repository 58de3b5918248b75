import Crypto
import Foundation

/// Server-side sign-in sessions of the dashboard, in memory: the browser holds only a random session id
/// (never the token), a session lasts a working day, and sign-in failures from one address make the next
/// attempt from it wait longer and longer.
public actor DashboardSessions {
    public struct Session: Sendable, Hashable {
        public let tokenId: String
        public let expires: Date
    }

    let lifetime: TimeInterval
    let failureBaseDelay: Duration
    let failureMaxDelay: Duration
    /// Failures older than this are forgotten.
    let failureMemory: TimeInterval = 15 * 60
    private let now: @Sendable () -> Date

    /// Keyed by the SHA-256 of the session id, so the ids themselves are nowhere but in the browsers.
    private var sessions: [String: Session] = [:]
    private var failures: [String: (count: Int, last: Date)] = [:]

    public init(lifetime: TimeInterval, failureBaseDelay: Duration, failureMaxDelay: Duration,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.lifetime = lifetime
        self.failureBaseDelay = failureBaseDelay
        self.failureMaxDelay = failureMaxDelay
        self.now = now
    }

    /// Starts a session for the token and returns its id for the cookie.
    public func start(tokenId: String) -> String {
        let current = now()
        sessions = sessions.filter { $0.value.expires > current }
        var rng = SystemRandomNumberGenerator()
        let id = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng).zeroPadded2Hex }.joined()
        sessions[Self.key(id)] = Session(tokenId: tokenId, expires: current.addingTimeInterval(lifetime))
        return id
    }

    /// The session of this id, if it exists and has not expired.
    public func session(_ id: String) -> Session? {
        let key = Self.key(id)
        guard let s = sessions[key] else { return nil }
        if s.expires <= now() { sessions[key] = nil; return nil }
        return s
    }

    public func end(_ id: String) { sessions[Self.key(id)] = nil }

    /// Ends every session of a token (it was revoked).
    public func end(tokenId: String) { sessions = sessions.filter { $0.value.tokenId != tokenId } }

    /// How long a sign-in attempt from `address` waits before it is checked: nothing at first, then the base
    /// delay doubling with each recent failure, up to the maximum.
    public func delay(for address: String) -> Duration {
        guard let f = failures[address], now().timeIntervalSince(f.last) < failureMemory, f.count > 0 else { return .zero }
        var d = failureBaseDelay
        for _ in 1..<min(f.count, 16) { d = d * 2 }
        return min(d, failureMaxDelay)
    }

    public func recordFailure(from address: String) {
        let current = now()
        let previous = failures[address].flatMap { current.timeIntervalSince($0.last) < failureMemory ? $0.count : nil } ?? 0
        failures[address] = (previous + 1, current)
        if failures.count > 10_000 { failures = failures.filter { current.timeIntervalSince($0.value.last) < failureMemory } }
    }

    public func recordSuccess(from address: String) { failures[address] = nil }

    static func key(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).map(\.zeroPadded2Hex).joined()
    }
}

extension UInt8 {
    var zeroPadded2Hex: String { (self < 16 ? "0" : "") + String(self, radix: 16) }
}
