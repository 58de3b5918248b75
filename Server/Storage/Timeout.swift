import Foundation

/// `body` gave no answer within `timeout`.
public struct TimeoutError: Error, LocalizedError, Sendable {
    public let timeout: Duration
    public var errorDescription: String? { "no answer within \(timeout)" }
}

/// Runs `body`, cancelling it and throwing `TimeoutError` when it takes longer than `timeout`. Returns once `body`
/// has ended: a body that ignores cancellation is waited for (what PostgresNIO's queries and waits for a pooled
/// connection do not do).
public func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask { try await Task.sleep(for: timeout); return nil }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimeoutError(timeout: timeout) }
        return value
    }
}
