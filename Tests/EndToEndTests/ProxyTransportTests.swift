import Foundation
import MimamoriClient
import MimamoriShared
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The laptop's transport behind an office's proxy: it goes through the proxy the environment names, with the
/// proxy's credentials, and straight to the hosts `no_proxy` lists.
@Suite("HTTP transport through a proxy")
struct ProxyTransportTests {
    /// A proxy that refuses every tunnel, and keeps the head of each request it was sent.
    final class RefusingProxy: @unchecked Sendable {
        let port: Int
        private let listener: Int32
        private let lock = NSLock()
        private var heads: [String] = []

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 8) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            listener = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread { [self] in serve() }.start()
        }

        private func serve() {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                var head = [UInt8]()
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !head.suffix(4).elementsEqual("\r\n\r\n".utf8) && head.count < 65536 {
                    let n = read(connection, &buffer, buffer.count)
                    if n <= 0 { break }
                    head += buffer[0..<n]
                }
                lock.withLock { heads.append(String(decoding: head, as: UTF8.self)) }
                let reply = Array("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
                _ = reply.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
                close(connection)
            }
        }

        var received: [String] { lock.withLock { heads } }

        func stop() {
            Glibc.shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    @Test("https_proxy is used for an https server: the tunnel is asked of the proxy with its credentials, and its refusal is a network error")
    func throughProxy() async throws {
        let proxy = try RefusingProxy()
        defer { proxy.stop() }
        let transport = HTTPTransport(baseURL: URL(string: "https://office.example.jp:8443")!, token: "secret-token", replicaId: "r",
                                      timeout: 20, environment: ["https_proxy": "http://clerk:p%40ss@127.0.0.1:\(proxy.port)"])
        await #expect(throws: ClientError.self) { _ = try await transport.health() }
        await transport.shutdown()
        let head = try #require(proxy.received.first)
        #expect(head.hasPrefix("CONNECT office.example.jp:8443 HTTP/1.1\r\n"))
        let credentials = Data("clerk:p@ss".utf8).base64EncodedString()
        #expect(head.lowercased().contains("proxy-authorization: basic \(credentials)".lowercased()))
        #expect(!head.contains("secret-token"), "the token travels inside the tunnel, never to the proxy")

        // http_proxy for an http:// server (an office's plain-HTTP server behind the same proxy).
        let plain = HTTPTransport(baseURL: URL(string: "http://office.example.jp:8080")!, token: "t", replicaId: "r",
                                  timeout: 20, environment: ["http_proxy": "127.0.0.1:\(proxy.port)"])
        await #expect(throws: ClientError.self) { _ = try await plain.health() }
        await plain.shutdown()
        #expect(proxy.received.count == 2)
        #expect(proxy.received.last?.contains("office.example.jp:8080") == true)
    }

    @Test("no_proxy sends a listed host straight to the server, and a proxy for the other scheme is not used")
    func bypass() async throws {
        let proxy = try RefusingProxy()
        defer { proxy.stop() }
        for environment in [["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": "localhost, 127.0.0.1"],
                            ["https_proxy": "http://127.0.0.1:\(proxy.port)"],
                            ["HTTP_PROXY": "http://127.0.0.1:\(proxy.port)"]] {
            let transport = HTTPTransport(baseURL: URL(string: "http://127.0.0.1:9")!, token: "t", replicaId: "r",
                                          timeout: 20, environment: environment)
            await #expect(throws: ClientError.self) { _ = try await transport.health() }
            await transport.shutdown()
        }
        #expect(proxy.received.isEmpty)
    }

    @Test("a proxy variable that is not a proxy's address is refused naming the variable, without repeating its value")
    func badProxy() async throws {
        for value in ["ftp://proxy.example.jp:21", "http://proxy.example.jp:99999", "http://user:hunter2@/path?x", "http://proxy.example.jp/path"] {
            let transport = HTTPTransport(baseURL: URL(string: "https://office.example.jp")!, token: "t", replicaId: "r",
                                          environment: ["https_proxy": value])
            await #expect(throws: ClientError.badProxy(variable: "https_proxy")) { _ = try await transport.health() }
            let message = ClientError.badProxy(variable: "https_proxy").localizedDescription
            #expect(message.contains("https_proxy") && !message.contains("hunter2"))
        }
    }
}
