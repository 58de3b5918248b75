import Foundation
import Hummingbird
import HummingbirdTesting
import MimamoriClient
import MimamoriShared
import NIOCore
import Testing

/// The laptop's transport against a server that misbehaves: what it must refuse whatever the server sends.
@Suite("HTTP transport against a hostile server")
struct HostileServerTransportTests {
    /// Counts requests that reached the redirect's target, and whether any carried a token.
    final class Arrivals: @unchecked Sendable {
        private let lock = NSLock()
        private var authorizations: [String?] = []
        func record(_ authorization: String?) { lock.lock(); authorizations.append(authorization); lock.unlock() }
        var all: [String?] { lock.lock(); defer { lock.unlock() }; return authorizations }
    }

    static let megabyte = 1024 * 1024

    /// A server whose every `/v1` answer is wrong in its own way.
    static func hostile(_ arrivals: Arrivals) -> some ApplicationProtocol {
        let router = Router()
        // Health redirects elsewhere on the same host: a transport that follows it would send the token on.
        router.get("/v1/health") { _, _ in
            Response(status: .found, headers: [.location: "/elsewhere"])
        }
        router.get("/elsewhere") { request, _ in
            arrivals.record(request.headers[.authorization])
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"epoch":"x","serverTime":"x"}"#)))
        }
        // A pull page of 2 MB announced by its length.
        router.get("/v1/changes") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: " "), count: 2 * megabyte)))
        }
        // A push reply that never says how long it is and goes on for 4 MB.
        router.post("/v1/push") { _, _ in
            Response(status: .ok, body: .init { writer in
                for _ in 0..<64 { try await writer.write(ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)) }
                try await writer.finish(nil)
            })
        }
        // Totals that never come.
        router.get("/v1/totals") { _, _ -> Response in
            try await Task.sleep(for: .seconds(5))
            return Response(status: .ok)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// `timeout` is the transport's: the default everywhere but where silence is the point (a busy machine, as
    /// when the whole suite runs, may take more than a second to answer).
    static func withHostileServer(timeout: TimeInterval = 60,
                                  _ body: @escaping @Sendable (HTTPTransport, Arrivals) async throws -> Void) async throws {
        let arrivals = Arrivals()
        try await hostile(arrivals).test(.live) { client in
            let port = try #require(client.port)
            let transport = HTTPTransport(baseURL: URL(string: "http://127.0.0.1:\(port)")!, token: "secret-token",
                                          replicaId: "r", timeout: timeout, maxReplyBytes: megabyte)
            do { try await body(transport, arrivals) } catch { await transport.shutdown(); throw error }
            await transport.shutdown()
        }
    }

    @Test("a redirect is refused as the server's answer, and the token goes nowhere else")
    func redirect() async throws {
        try await Self.withHostileServer { transport, arrivals in
            await #expect(throws: ClientError.server(status: 302, code: "http_302", message: "")) {
                _ = try await transport.health()
            }
            #expect(arrivals.all.isEmpty)
        }
    }

    @Test("a reply larger than the cap is refused, whether its length is announced or not")
    func tooLarge() async throws {
        try await Self.withHostileServer { transport, _ in
            await #expect(throws: ClientError.replyTooLarge(limit: Self.megabyte)) {
                _ = try await transport.receivedChanges(since: 0, limit: 500)
            }
            await #expect(throws: ClientError.replyTooLarge(limit: Self.megabyte)) {
                _ = try await transport.push(PushRequest(batchId: "b-1", replicaId: "r", versions: []))
            }
        }
    }

    @Test("a server that accepts the request and then says nothing is a network error, not a hang")
    func silent() async throws {
        try await Self.withHostileServer(timeout: 1) { transport, _ in
            do {
                _ = try await transport.totals(fiscalYear: 2025, language: .english)
                Issue.record("a silent server was taken as an answer")
            } catch let ClientError.network(reason) {
                // Silent after accepting; on a busy machine the connection itself may be what takes too long.
                #expect(reason == "no reply in time" || reason == "no connection in time")
                #expect(ClientError.network(reason).localizedDescription.contains("could not reach the server"))
            }
        }
    }

    @Test("a transport shut down opens a new connection for its next request")
    func reopens() async throws {
        try await Self.withHostileServer { transport, _ in
            await #expect(throws: ClientError.replyTooLarge(limit: Self.megabyte)) {
                _ = try await transport.receivedChanges(since: 0, limit: 500)
            }
            await transport.shutdown()
            await #expect(throws: ClientError.replyTooLarge(limit: Self.megabyte)) {
                _ = try await transport.receivedChanges(since: 0, limit: 500)
            }
        }
    }
}
