import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import MimamoriServer
import MimamoriShared
import Testing

/// Requests no well-behaved HTTP client sends, written byte by byte on a socket: malformed chunked bodies and
/// bodies cut short are the client's fault (400), never a 500, and the server goes on answering.
@Suite("Raw HTTP")
struct RawHTTPTests {
    /// Sends `request` to 127.0.0.1:`port` and returns what comes back until the server closes or 5 s pass.
    /// With `endBody`, the sending side is closed after the request (the body ends there, whatever it announced).
    static func exchange(_ request: String, port: Int, endBody: Bool = false) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        let bytes = Array(request.utf8)
        try #require(send(fd, bytes, bytes.count, 0) == bytes.count)
        if endBody { shutdown(fd, Int32(SHUT_WR)) }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            reply += buffer[0..<n]
            // One reply is enough: stop once its JSON body is complete.
            if let text = String(bytes: reply, encoding: .utf8), text.contains("\r\n\r\n"), text.hasSuffix("}") { break }
        }
        return String(decoding: reply, as: UTF8.self)
    }

    static let bodies: [(String, String)] = [
        ("chunk size not hex", "ZZ\r\nabc\r\n0\r\n\r\n"),
        ("chunk longer than its size", "2\r\nabcdef\r\n0\r\n\r\n"),
        ("chunk size overflowing 64 bits", "FFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"),
        ("negative chunk size", "-5\r\nabc\r\n0\r\n\r\n"),
    ]

    /// Sends a push whose head ends with `framing` (the body's length or chunking) and whose body is `body`, over a
    /// live server; then checks that no 5xx came back, that the server still answers, and that nothing was stored.
    /// Returns the reply.
    static func push(framing: String, body: String, endBody: Bool = false) async throws -> String {
        let store = try SQLiteSyncStore.inMemory()
        let token = try await store.issueToken(role: .visitor, name: "Yamada", districts: ["nishi"])
        let configuration = ServerConfiguration(port: 0, today: { ServerFixture.today })
        let reply = try await withRunningServer(configuration, store: store) { base in
            let reply = try exchange("""
                POST /v1/push HTTP/1.1\r
                Host: 127.0.0.1\r
                Authorization: Bearer \(token.secret)\r
                Content-Type: application/json\r
                \(framing)\r
                Connection: close\r
                \r
                \(body)
                """, port: base.port!, endBody: endBody)
            #expect(!reply.hasPrefix("HTTP/1.1 5"), "\(reply)")
            let (_, health) = try await URLSession.shared.data(from: base.appendingPathComponent("v1/health"))
            #expect((health as? HTTPURLResponse)?.statusCode == 200, "the server stopped answering")
            return reply
        }
        #expect(try await store.allDocuments().isEmpty)
        return reply
    }

    @Test("malformed chunked bodies are refused with 4xx, never 5xx, and the server goes on", arguments: bodies.map(\.0))
    func malformedChunked(name: String) async throws {
        let reply = try await Self.push(framing: "Transfer-Encoding: chunked", body: Self.bodies.first { $0.0 == name }!.1)
        // Either the server answers 400 itself or NIO closes the connection without a reply; never a 5xx.
        if !reply.isEmpty {
            #expect(reply.hasPrefix("HTTP/1.1 4"), "\(name): \(reply)")
            #expect(reply.contains("\"code\":\"bad_request\""), "\(name): \(reply)")
        }
    }

    @Test("a body shorter than its Content-Length, then a closed connection, changes nothing and breaks nothing")
    func shortBody() async throws {
        _ = try await Self.push(framing: "Content-Length: 5000", body: #"{"batchId":"#, endBody: true)
    }
}
