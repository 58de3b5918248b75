import MimamoriShared

/// How the sync engine talks to a server. `HTTPTransport` is the real one; tests may supply a double.
public protocol SyncTransport: Sendable {
    func health() async throws -> HealthResponse
    func push(_ request: PushRequest) async throws -> PushResponse
    func changes(since: Int64, limit: Int) async throws -> ChangesResponse
    func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport

    /// Sends a stored batch. `HTTPTransport` sends its stored bytes spliced; a double gets the decoded request.
    func push(_ batch: PushBatch) async throws -> PushResponse
    /// A pull page with each version's bytes as received. `HTTPTransport` keeps the server's bytes; for a
    /// double, each version is encoded by `VersionJSON`.
    func receivedChanges(since: Int64, limit: Int) async throws -> ReceivedChanges
    /// A pull page before it is read: `HTTPTransport` gives the reply's bytes, with the `nextSince` their end
    /// announces (the engine asks for the next page with it while it reads this one); a double, the page read.
    func pageBody(since: Int64, limit: Int) async throws -> PageBody
    /// Closes the connections; the sync engine calls it when a sync ends, however it ends. A later request may
    /// open new ones.
    func shutdown() async
}

extension SyncTransport {
    public func shutdown() async {}

    public func push(_ batch: PushBatch) async throws -> PushResponse { try await push(try batch.request) }

    public func receivedChanges(since: Int64, limit: Int) async throws -> ReceivedChanges {
        ReceivedChanges(try await changes(since: since, limit: limit))
    }

    public func pageBody(since: Int64, limit: Int) async throws -> PageBody {
        PageBody(try await receivedChanges(since: since, limit: limit))
    }
}
