import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import Testing

/// A store whose push fails the way a full disk would, to see what a client gets.
struct FailingPushStore: SyncStore {
    let base: SQLiteSyncStore
    struct DiskFull: Error {}

    func epoch() async throws -> String { try await base.epoch() }
    func lastSequence() async throws -> Int64 { try await base.lastSequence() }
    func push(_ request: PushRequest, by caller: Caller, today: LocalDate) async throws -> PushReply {
        throw DiskFull()
    }
    func changesJSON(since: Int64, limit: Int, districts: Set<String>, types: Set<DocumentType>) async throws -> Data {
        try await base.changesJSON(since: since, limit: limit, districts: districts, types: types)
    }
    func counters(fiscalYears: [Int]) async throws -> [CounterKey: Int] { try await base.counters(fiscalYears: fiscalYears) }
    func recount() async throws -> [CounterKey: Int] { try await base.recount() }
    func issueToken(role: TokenRole, name: String, districts: [String]) async throws -> IssuedToken {
        try await base.issueToken(role: role, name: name, districts: districts)
    }
    func tokens() async throws -> [TokenInfo] { try await base.tokens() }
    func revokeToken(id: String) async throws -> TokenInfo { try await base.revokeToken(id: id) }
    func token(secret: String) async throws -> TokenInfo? { try await base.token(secret: secret) }
    func bindToken(id: String, toReplica replica: String) async throws -> String {
        try await base.bindToken(id: id, toReplica: replica)
    }
}

@Suite("Failures")
struct FailureTests {
    @Test("an internal failure is a 500 with a JSON body that hides the details, and the server goes on")
    func internalError() async throws {
        let fixture = try await ServerFixture()
        let app = buildApplication(fixture.configuration, store: FailingPushStore(base: fixture.sqlite))
        try await app.test(.router) { client in
            let v = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)
            let response = try await client.push(PushRequest(batchId: "b", replicaId: "replica-a", versions: [v]), token: fixture.visitor)
            #expect(response.status == .internalServerError)
            let error = try response.error()
            #expect(error.code == "internal")
            #expect(!error.message.contains("DiskFull"))
            #expect(error.message.contains("nothing was changed"))
            let pull = try await client.changes(since: 0, token: fixture.visitor, replica: "replica-a")
            #expect(pull.status == .ok)
        }
    }
}

/// A store whose database stops answering (PostgreSQL restarting): every read waits until cancelled.
struct SilentStore: SyncStore {
    let base: SQLiteSyncStore

    private func silence<T>() async throws -> T {
        try await Task.sleep(for: .seconds(3600))
        throw CancellationError()
    }

    func epoch() async throws -> String { try await silence() }
    func lastSequence() async throws -> Int64 { try await silence() }
    func push(_ request: PushRequest, by caller: Caller, today: LocalDate) async throws -> PushReply { try await silence() }
    func changesJSON(since: Int64, limit: Int, districts: Set<String>, types: Set<DocumentType>) async throws -> Data { try await silence() }
    func counters(fiscalYears: [Int]) async throws -> [CounterKey: Int] { try await silence() }
    func recount() async throws -> [CounterKey: Int] { try await silence() }
    func issueToken(role: TokenRole, name: String, districts: [String]) async throws -> IssuedToken { try await silence() }
    func tokens() async throws -> [TokenInfo] { try await silence() }
    func revokeToken(id: String) async throws -> TokenInfo { try await silence() }
    func token(secret: String) async throws -> TokenInfo? { try await silence() }
    func bindToken(id: String, toReplica replica: String) async throws -> String { try await silence() }
}

extension FailureTests {
    @Test("a database that does not answer within databaseWait gives 503 database_unavailable, to health and to a push alike")
    func databaseSilent() async throws {
        let fixture = try await ServerFixture()
        var configuration = fixture.configuration
        configuration.databaseWait = .milliseconds(200)
        let app = buildApplication(configuration, store: SilentStore(base: fixture.sqlite))
        try await app.test(.router) { client in
            let health = try await client.send(.get, API.healthPath, token: nil)
            #expect(health.status == .serviceUnavailable)
            #expect(try health.error().code == "database_unavailable")
            let v = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)
            let push = try await client.push(PushRequest(batchId: "b", replicaId: "replica-a", versions: [v]), token: fixture.visitor)
            #expect(push.status == .serviceUnavailable)
            #expect(try push.error().code == "database_unavailable")
        }
    }
}
