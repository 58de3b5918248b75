import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import Testing

/// Bad requests of every kind get a 4xx with a JSON body saying what was wrong, write nothing, and the
/// server goes on serving: each case is followed by a good push that must succeed.
@Suite("Bad requests")
struct BadRequestTests {
    /// A valid push body as a JSON object, to be spoiled by each case.
    static func goodBody(documentId: String = "visit-1", counter: UInt64 = 1) throws -> [String: Any] {
        let v = Fixture.create(Fixture.visit(documentId), replica: "replica-a", counter: counter)
        let data = try MimamoriJSON.encode(PushRequest(batchId: "b-\(documentId)", replicaId: "replica-a", versions: [v]))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func spoil(_ change: (inout [String: Any]) -> Void) throws -> ByteBuffer {
        var body = try goodBody()
        change(&body)
        return ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
    }

    static func spoilVersion(_ change: @escaping (inout [String: Any]) -> Void) throws -> ByteBuffer {
        try spoil { body in
            var versions = body["versions"] as! [[String: Any]]
            change(&versions[0])
            body["versions"] = versions
        }
    }

    static func spoilVisit(_ change: @escaping (inout [String: Any]) -> Void) throws -> ByteBuffer {
        try spoilVersion { version in
            var payload = version["payload"] as! [String: Any]
            var visit = payload["visit"] as! [String: Any]
            change(&visit)
            payload["visit"] = visit
            version["payload"] = payload
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let status: HTTPResponse.Status
        let code: String
        /// Words the message must contain, so a person knows what to fix.
        let mentions: [String]
        let body: @Sendable () throws -> ByteBuffer
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", status: .badRequest, code: "invalid_json", mentions: ["JSON"]) {
            ByteBuffer(string: #"{"batchId": "b", "replicaId": "#)
        },
        Case(name: "empty body", status: .badRequest, code: "invalid_json", mentions: []) { ByteBuffer() },
        Case(name: "unknown field in the request", status: .badRequest, code: "invalid_json", mentions: ["batchid"]) {
            try spoil { $0["batchid"] = "typo" }
        },
        Case(name: "unknown field in a visit", status: .badRequest, code: "invalid_json", mentions: ["kindd", "versions[0].payload.visit"]) {
            try spoilVisit { $0["kindd"] = "fureai_watch" }
        },
        Case(name: "wrong type", status: .badRequest, code: "invalid_json", mentions: ["urgent"]) {
            try spoilVisit { $0["urgent"] = "yes" }
        },
        Case(name: "missing field", status: .badRequest, code: "invalid_json", mentions: ["replicaId", "missing"]) {
            try spoil { $0["replicaId"] = nil }
        },
        Case(name: "negative counter", status: .badRequest, code: "invalid_json", mentions: ["vector"]) {
            try spoilVersion { $0["vector"] = ["replica-a": -1] }
        },
        Case(name: "bad date", status: .badRequest, code: "invalid_json", mentions: ["2025-02-30"]) {
            try spoilVisit { $0["date"] = "2025-02-30" }
        },
        Case(name: "unknown document type", status: .badRequest, code: "invalid_json", mentions: ["memo"]) {
            try spoilVersion { version in
                var payload = version["payload"] as! [String: Any]
                payload["type"] = "memo"
                version["payload"] = payload
            }
        },
        Case(name: "empty batch id", status: .badRequest, code: "bad_request", mentions: ["batchId"]) {
            try spoil { $0["batchId"] = "" }
        },
        Case(name: "bad replica id", status: .badRequest, code: "bad_request", mentions: ["replicaId"]) {
            try spoil { $0["replicaId"] = "replica a/../" }
        },
        Case(name: "too many versions", status: .contentTooLarge, code: "batch_too_large", mentions: ["\(API.maxBatchSize)"]) {
            let v = Fixture.create(Fixture.visit("visit-x"), replica: "replica-a", counter: 1)
            return try Fixture.body(PushRequest(batchId: "big", replicaId: "replica-a",
                                                versions: Array(repeating: v, count: API.maxBatchSize + 1)))
        },
        Case(name: "oversized body", status: .contentTooLarge, code: "payload_too_large", mentions: ["bytes"]) {
            ByteBuffer(repeating: UInt8(ascii: " "), count: API.maxBodyBytes + 1)
        },
    ]

    @Test("bad push bodies, in process and over a live connection", arguments: cases, [false, true])
    func badPush(_ c: Case, live: Bool) async throws {
        try await ServerFixture.run(live: live) { fx, client in
            let response = try await client.send(.post, API.pushPath, token: fx.visitor.secret, body: try c.body())
            #expect(response.status == c.status, "\(response.text)")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let error = try response.error()
            #expect(error.code == c.code)
            for word in c.mentions {
                #expect(error.message.contains(word), "message '\(error.message)' should mention \(word)")
            }
            #expect(try await fx.store.lastSequence() == 0)
            #expect(try await fx.store.allDocuments().isEmpty)
            try await expectStillServing(fx, client)
        }
    }

    @Test("a replica header that contradicts the body's replicaId is refused and binds nothing")
    func replicaHeaderMismatch() async throws {
        try await ServerFixture.run { fx, client in
            let v = Fixture.create(Fixture.visit("visit-1"), replica: "replica-a", counter: 1)
            let response = try await client.push(PushRequest(batchId: "b", replicaId: "replica-a", versions: [v]), token: fx.visitor,
                                                 replicaHeader: "replica-b")
            #expect(response.status == .badRequest)
            #expect(try response.error().message.contains(API.replicaHeader))
            #expect(try await fx.store.tokens().first { $0.id == fx.visitor.info.id }?.replicaId == nil)
            try await expectStillServing(fx, client)
        }
    }

    @Test("tokens: missing, unknown, malformed and revoked are 401")
    func unauthorized() async throws {
        try await ServerFixture.run { fx, client in
            let body = try Self.spoil { _ in }
            for token in [nil, "mmr_not-a-token", ""] as [String?] {
                let response = try await client.send(.post, API.pushPath, token: token, body: body)
                #expect(response.status == .unauthorized)
                #expect(try response.error().code == "unauthorized")
            }
            let raw = try await client.executeRequest(uri: API.totalsPath, method: .get,
                                                      headers: [.authorization: "Basic dXNlcjpwYXNz"], body: nil)
            #expect(raw.status == .unauthorized)
            #expect(try raw.error().message.contains("Bearer"))

            let revoked = try await fx.store.issueToken(role: .visitor, name: "Lost laptop", districts: ["nishi"])
            try await fx.store.revokeToken(id: revoked.info.id)
            let response = try await client.send(.post, API.pushPath, token: revoked.secret, body: body)
            #expect(response.status == .unauthorized)
            #expect(try response.error().message.contains("revoked"))
            #expect(try await fx.store.allDocuments().isEmpty)
            try await expectStillServing(fx, client)
        }
    }

    @Test("wrong roles are 403 and write nothing", arguments: ["coordinator", "admin"])
    func wrongRolePush(role: String) async throws {
        try await ServerFixture.run { fx, client in
            let token = role == "coordinator" ? fx.coordinator : fx.admin
            let response = try await client.send(.post, API.pushPath, token: token.secret, body: try Self.spoil { _ in })
            #expect(response.status == .forbidden)
            let error = try response.error()
            #expect(error.code == "forbidden")
            #expect(error.message.contains(role))
            #expect(try await fx.store.allDocuments().isEmpty)
            try await expectStillServing(fx, client)
        }
    }

    @Test("only an admin lists tokens, and never sees the secrets")
    func tokenList() async throws {
        try await ServerFixture.run { fx, client in
            let denied = try await client.send(.get, "/v1/tokens", token: fx.coordinator.secret)
            #expect(denied.status == .forbidden)
            let response = try await client.send(.get, "/v1/tokens", token: fx.admin.secret)
            #expect(response.status == .ok)
            let tokens = try response.decode([TokenInfo].self)
            #expect(tokens.count == 4)
            #expect(!response.text.contains(fx.visitor.secret))
        }
    }

    @Test("unknown paths are 404 with a JSON body listing the endpoints")
    func notFound() async throws {
        try await ServerFixture.run { fx, client in
            for path in ["/v1/nothing", "/v2/push", "/"] {
                let response = try await client.send(.get, path, token: fx.visitor.secret)
                #expect(response.status == .notFound)
                let error = try response.error()
                #expect(error.code == "not_found")
                #expect(error.message.contains(API.pushPath))
            }
        }
    }

    @Test("a method a path does not take is 405 with Allow, as the document declares")
    func methodNotAllowed() async throws {
        try await ServerFixture.run { fx, client in
            for (method, path, allowed) in [(HTTPRequest.Method.get, API.pushPath, "POST"), (.delete, API.totalsPath, "GET"),
                                            (.post, API.changesPath, "GET"), (.put, API.healthPath, "GET")] {
                let response = try await client.send(method, path, token: fx.visitor.secret)
                #expect(response.status == .methodNotAllowed, "\(method) \(path): \(response.status)")
                #expect(response.headers[.allow] == allowed)
                let error = try response.error()
                #expect(error.code == "method_not_allowed")
                #expect(error.message.contains(allowed))
            }
        }
    }

    @Test("health answers without a token, with the epoch")
    func health() async throws {
        try await ServerFixture.run { fx, client in
            let response = try await client.send(.get, API.healthPath, token: nil)
            #expect(response.status == .ok)
            let health = try response.decode(HealthResponse.self)
            #expect(health.status == "ok")
            #expect(health.epoch == (try await fx.store.epoch()))
            #expect(UUID(uuidString: health.epoch) != nil)
        }
    }

    private func expectStillServing(_ fx: ServerFixture, _ client: any TestClientProtocol) async throws {
        let v = Fixture.create(Fixture.visit("visit-after"), replica: "replica-a", counter: 100)
        let results = try await client.pushOK([v], replica: "replica-a", token: fx.visitor)
        #expect(results.map(\.outcome) == [.new])
    }
}
