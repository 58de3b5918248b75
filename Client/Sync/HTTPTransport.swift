import AsyncHTTPClient
import Foundation
import MimamoriShared
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The server's HTTP JSON API (`/v1`), through AsyncHTTPClient (SwiftNIO). Every request carries the bearer token
/// and the replica id header the server binds the token to.
///
/// What the laptop guarantees whatever the server does: HTTPS is checked against the system's trust roots; a
/// connection that cannot be made fails within `connectTimeout`, at once and without retrying when refused; a
/// silent server fails after `timeout` without a byte, and a whole exchange after `exchangeTimeout`; a redirect is
/// refused (the token goes to the server it was given for and nowhere else); a reply larger than `maxReplyBytes`
/// (128 MB unless told) is refused before it is held in memory. Nothing is logged (AsyncHTTPClient's loggers are
/// left disabled).
///
/// The connections belong to one `HTTPClient`, made at the first request and shut down by `shutdown()` — the
/// sync engine calls it at the end of every sync, so one sync run is one client — or, at the latest, when the
/// last copy of this transport is gone.
public struct HTTPTransport: SyncTransport {
    public let baseURL: URL
    public let token: String
    public let replicaId: String
    public let timeout: TimeInterval
    /// The largest reply read; a larger one is refused (`ClientError.replyTooLarge`) before it is held.
    public let maxReplyBytes: Int
    let session: HTTPSession

    /// A legitimate page of 500 visits is well under a megabyte; this leaves room for pages of large notes and
    /// still bounds what a hostile server can make the laptop hold.
    public static let defaultMaxReplyBytes = 128 * 1024 * 1024
    /// How long making a connection (TCP and TLS) may take.
    public static let connectTimeout: TimeInterval = 10

    /// `environment` names the proxy to go through, if any (`ProxySetting`).
    public init(baseURL: URL, token: String, replicaId: String, timeout: TimeInterval = 60,
                maxReplyBytes: Int = HTTPTransport.defaultMaxReplyBytes,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.baseURL = baseURL
        self.token = token
        self.replicaId = replicaId
        self.timeout = timeout
        self.maxReplyBytes = max(0, maxReplyBytes)
        self.session = HTTPSession(timeout: timeout, connectTimeout: min(timeout, Self.connectTimeout),
                                   proxy: Result { try ProxySetting.proxy(for: baseURL, environment: environment) })
    }

    /// The longest one request and its reply may take, however steadily a server trickles bytes.
    var exchangeTimeout: TimeInterval { timeout * 10 }

    /// Closes this transport's connections. A later request opens new ones.
    public func shutdown() async { await session.shutdown() }

    public func health() async throws -> HealthResponse {
        try await send(path: API.healthPath, query: [], body: nil)
    }

    public func push(_ request: PushRequest) async throws -> PushResponse {
        try await send(path: API.pushPath, query: [], body: MimamoriJSON.encodePush(request), decode: MimamoriJSON.decodePushResponse)
    }

    /// The stored versions' bytes spliced into the body: nothing is encoded again.
    public func push(_ batch: PushBatch) async throws -> PushResponse {
        try await send(path: API.pushPath, query: [], body: batch.body, decode: MimamoriJSON.decodePushResponse)
    }

    public func changes(since: Int64, limit: Int) async throws -> ChangesResponse {
        try await receivedChanges(since: since, limit: limit).page
    }

    public func receivedChanges(since: Int64, limit: Int) async throws -> ReceivedChanges {
        try await pageBody(since: since, limit: limit).read()
    }

    /// The reply's bytes, read later (`PageBody.read`).
    public func pageBody(since: Int64, limit: Int) async throws -> PageBody {
        try await send(
            path: API.changesPath,
            query: [URLQueryItem(name: "since", value: String(since)), URLQueryItem(name: "limit", value: String(limit)),
                    URLQueryItem(name: API.typesParameter, value: DocumentType.allCases.map(\.rawValue).joined(separator: ","))],
            body: nil, decode: PageBody.init(bytes:))
    }

    public func totals(fiscalYear: Int, language: Language) async throws -> TotalsReport {
        try await send(path: API.totalsPath, query: [URLQueryItem(name: "fy", value: String(fiscalYear)), URLQueryItem(name: "lang", value: language.rawValue)], body: nil)
    }

    func url(path: String, query: [URLQueryItem]) throws -> URL {
        guard var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false) else {
            throw ClientError.invalidServerURL(baseURL.absoluteString)
        }
        let prefix = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.path = prefix + path
        components.queryItems = query.isEmpty ? nil : query
        guard let url = components.url else { throw ClientError.invalidServerURL(baseURL.absoluteString) }
        return url
    }

    func send<T: Decodable>(path: String, query: [URLQueryItem], body: Data?) async throws -> T {
        try await send(path: path, query: query, body: body) { try MimamoriJSON.decode(T.self, from: $0) }
    }

    /// `decode` reads a 2xx reply: Codable, or a fast path with the same behaviour (pull pages).
    func send<T>(path: String, query: [URLQueryItem], body: Data?, decode: (Data) throws -> T) async throws -> T {
        var request = HTTPClientRequest(url: try url(path: path, query: query).absoluteString)
        request.method = body == nil ? .GET : .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: API.replicaHeader, value: replicaId)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let (status, data) = try await perform(request)
        guard (200..<300).contains(status) else {
            if let error = try? MimamoriJSON.decode(APIErrorBody.self, from: data) {
                throw ClientError.server(status: status, code: error.error.code, message: error.error.message)
            }
            throw ClientError.server(status: status, code: "http_\(status)",
                                     message: String(decoding: data.prefix(300), as: UTF8.self))
        }
        do { return try decode(data) } catch {
            throw ClientError.badServerReply(MimamoriJSON.describe(error))
        }
    }

    /// Sends one request and reads its whole reply, at most `maxReplyBytes` of it. A cancelled task cancels the
    /// request. Every failure to exchange is a `ClientError`.
    func perform(_ request: HTTPClientRequest) async throws -> (status: Int, body: Data) {
        do {
            let response = try await session.client().get().execute(request, timeout: timeAmount(exchangeTimeout))
            let status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: maxReplyBytes)
            // The reply's storage becomes the Data, without a copy.
            return (status, Data(buffer: buffer, byteTransferStrategy: .noCopy))
        } catch is NIOTooManyBytesError {
            throw ClientError.replyTooLarge(limit: maxReplyBytes)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError.network(Self.reason(error))
        }
    }

    /// A short technical reason for a failed exchange (no URL, no header: nothing of the token).
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .connectTimeout:
            return "no connection in time"
        case let error as HTTPClientError where error == .readTimeout || error == .deadlineExceeded:
            return "no reply in time"
        case let error as HTTPClientError where error == .cancelled:
            return "cancelled"
        case is CancellationError:
            return "cancelled"
        case let error as IOError:
            // The system's words, e.g. "Connection refused".
            return String(cString: strerror(error.errnoCode))
        default:
            return String(describing: error)
        }
    }
}

/// Seconds as NIO's `TimeAmount`, clamped so that no value can overflow.
func timeAmount(_ seconds: TimeInterval) -> TimeAmount {
    .nanoseconds(Int64((seconds.isNaN ? 0 : min(max(seconds, 0), 365 * 86_400)) * 1e9))
}

/// The `HTTPClient` behind one `HTTPTransport` and its copies: made at the first request, shut down by
/// `shutdown()` or when the last copy is gone (AsyncHTTPClient requires every client to be shut down).
final class HTTPSession: @unchecked Sendable {
    private let lock = NSLock()
    private var current: HTTPClient?  // guarded by `lock`
    /// The client's configuration, or why none can be made (a proxy variable that is not a proxy).
    private let configuration: Result<HTTPClient.Configuration, ClientError>

    init(timeout: TimeInterval, connectTimeout: TimeInterval, proxy: Result<HTTPClient.Configuration.Proxy?, any Error>) {
        var configuration = HTTPClient.Configuration()
        // The default TLS configuration: certificates checked against the system's trust roots, hostname verified.
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: timeAmount(connectTimeout), read: timeAmount(timeout))
        // An unreachable server is reported at once, not retried with backoff until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .disabled
        self.configuration = proxy.map { proxy in
            configuration.proxy = proxy
            return configuration
        }.mapError { ($0 as? ClientError) ?? .network(String(describing: $0)) }
    }

    func client() -> Result<HTTPClient, ClientError> {
        lock.lock(); defer { lock.unlock() }
        if let current { return .success(current) }
        return configuration.map { configuration in
            let made = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            current = made
            return made
        }
    }

    func shutdown() async {
        let taken: HTTPClient? = {
            lock.lock(); defer { lock.unlock() }
            defer { current = nil }
            return current
        }()
        try? await taken?.shutdown()
    }

    deinit {
        // Shutting down keeps the client alive until its connections are closed.
        current?.shutdown { _ in }
    }
}
