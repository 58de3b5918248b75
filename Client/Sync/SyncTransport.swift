import MimamoriShared

/// How the sync engine talks to a server. `HTTPTransport` is the real one; tests may supply a double.
public protocol SyncTransport: Sendable {
    func health() async throws -> HealthResponse
    func push(_ request: PushRequest) async throws -> PushResponse
    func changes(since: Int64, limit: Int) async throws -> ChangesResponse
    func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport
}
