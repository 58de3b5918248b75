import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

/// A server over a fresh database (in-memory SQLite unless told otherwise), its clock fixed at 2025-10-15
/// (Japan time), with one token of each kind already issued.
struct ServerFixture: Sendable {
    static let today = LocalDate("2025-10-15")!

    let store: any InspectableStore
    /// The store, for checks that read SQLite's own tables (fixtures made with the default store only).
    var sqlite: SQLiteSyncStore { store as! SQLiteSyncStore }
    let configuration: ServerConfiguration
    /// Visitor covering `nishi`, office covering `higashi` and `minami`, coordinator, admin.
    let visitor: IssuedToken
    let office: IssuedToken
    let coordinator: IssuedToken
    let admin: IssuedToken

    init() async throws {
        try await self.init(store: SQLiteSyncStore.inMemory())
    }

    init(store: any InspectableStore) async throws {
        self.store = store
        configuration = ServerConfiguration(today: { ServerFixture.today })
        visitor = try await store.issueToken(role: .visitor, name: "Yamada", districts: ["nishi"])
        office = try await store.issueToken(role: .office, name: "Higashi office", districts: ["higashi", "minami"])
        coordinator = try await store.issueToken(role: .coordinator, name: "Coordinator", districts: [])
        admin = try await store.issueToken(role: .admin, name: "Admin", districts: [])
    }

    /// Runs `body` against the application in-process.
    /// In-process through the router, or `live` over a real loopback connection on a free port.
    static func run(_ kind: StoreKind = .sqlite, live: Bool = false,
                    _ body: @escaping @Sendable (ServerFixture, any TestClientProtocol) async throws -> Void) async throws {
        try await kind.withStore { store in
            let fixture = try await ServerFixture(store: store)
            let app = buildApplication(fixture.configuration, store: fixture.store)
            try await app.test(live ? .live : .router) { client in try await body(fixture, client) }
        }
    }
}

enum Fixture {
    static func visit(_ id: String, district: String = "nishi", kind: VisitKind = .fureaiWatch, date: String = "2025-06-01",
                      method: ContactMethod = .homeVisit, outcome: Outcome = .safetyConfirmed, note: String? = nil) -> DocumentPayload {
        .visit(Visit(id: id, kind: kind, method: method, date: LocalDate(date)!, visitorId: "v-yamada",
                     visitorRole: .fureaiMember, subjectId: "S-0001", district: district, outcome: outcome, note: note))
    }

    static func subject(_ id: String, name: String = "佐藤 一郎", district: String = "nishi") -> DocumentPayload {
        .subject(Subject(id: id, name: name, district: district))
    }

    /// A first write of a document by `replica`.
    static func create(_ payload: DocumentPayload, replica: String, counter: UInt64, deleted: Bool = false) -> Version {
        VersionSet().write(payload, deleted: deleted, replica: replica, counter: counter, author: "v-yamada",
                           at: Timestamp(milliseconds: 1_750_000_000_000 + Int64(counter % 1_000_000)))
    }

    /// A write by `replica` over the versions it holds.
    static func edit(_ held: [Version], _ payload: DocumentPayload, replica: String, counter: UInt64, deleted: Bool = false) throws -> Version {
        try VersionSet(held).write(payload, deleted: deleted, replica: replica, counter: counter, author: "v-yamada",
                                   at: Timestamp(milliseconds: 1_750_000_000_000 + Int64(counter % 1_000_000)))
    }

    static func body<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(bytes: try MimamoriJSON.encode(value))
    }
}

extension TestClientProtocol {
    func push(_ request: PushRequest, token: IssuedToken, replicaHeader: String? = nil) async throws -> TestResponse {
        try await send(.post, API.pushPath, token: token.secret, replica: replicaHeader, body: Fixture.body(request))
    }

    /// Pushes and expects 200, returning the per-version outcomes.
    func pushOK(_ versions: [Version], replica: String, token: IssuedToken, batchId: String = UUID().uuidString) async throws -> [PushResult] {
        let response = try await push(PushRequest(batchId: batchId, replicaId: replica, versions: versions), token: token)
        #expect(response.status == .ok, "push answered \(response.status): \(response.text)")
        return try response.decode(PushResponse.self).results
    }

    /// A pull as this build's laptop makes it (every type), or with `types` as given (nil: none, as an older laptop).
    func changes(since: Int64, limit: Int? = nil, token: IssuedToken, replica: String,
                 types: String? = DocumentType.allCases.map(\.rawValue).joined(separator: ",")) async throws -> TestResponse {
        let query = "?since=\(since)" + (limit.map { "&limit=\($0)" } ?? "") + (types.map { "&\(API.typesParameter)=\($0)" } ?? "")
        return try await send(.get, API.changesPath + query, token: token.secret, replica: replica)
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, token: String?, replica: String? = nil,
              body: ByteBuffer? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let replica { headers[HTTPField.Name(API.replicaHeader)!] = replica }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: body)
    }
}

extension TestResponse {
    var data: Data { Data(body.readableBytesView) }
    var text: String { String(decoding: data, as: UTF8.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try MimamoriJSON.decode(type, from: data)
    }

    /// The error body; fails the test when the reply is not an `APIErrorBody`.
    func error() throws -> APIErrorBody.Detail {
        try decode(APIErrorBody.self).error
    }
}
