import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MimamoriShared

/// The server's HTTP JSON API (`/v1`), through URLSession. Every request carries the bearer token and the
/// replica id header the server binds the token to.
public struct HTTPTransport: SyncTransport {
    public let baseURL: URL
    public let token: String
    public let replicaId: String
    public let timeout: TimeInterval

    public init(baseURL: URL, token: String, replicaId: String, timeout: TimeInterval = 60) {
        self.baseURL = baseURL
        self.token = token
        self.replicaId = replicaId
        self.timeout = timeout
    }

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
        try await send(
            path: API.changesPath,
            query: [URLQueryItem(name: "since", value: String(since)), URLQueryItem(name: "limit", value: String(limit)),
                    URLQueryItem(name: API.typesParameter, value: DocumentType.allCases.map(\.rawValue).joined(separator: ","))],
            body: nil, decode: ReceivedChanges.decode)
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
        var request = URLRequest(url: try url(path: path, query: query), timeoutInterval: timeout)
        request.httpMethod = body == nil ? "GET" : "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(replicaId, forHTTPHeaderField: API.replicaHeader)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        let (data, response) = try await perform(request)
        guard let http = response as? HTTPURLResponse else { throw ClientError.badServerReply("not an HTTP response") }
        guard (200..<300).contains(http.statusCode) else {
            if let error = try? MimamoriJSON.decode(APIErrorBody.self, from: data) {
                throw ClientError.server(status: http.statusCode, code: error.error.code, message: error.error.message)
            }
            throw ClientError.server(status: http.statusCode, code: "http_\(http.statusCode)",
                                     message: String(decoding: data.prefix(300), as: UTF8.self))
        }
        do { return try decode(data) } catch {
            throw ClientError.badServerReply(MimamoriJSON.describe(error))
        }
    }

    /// The completion-handler API, which every Foundation (Darwin and swift-corelibs) has; a cancelled task
    /// cancels the request.
    func perform(_ request: URLRequest) async throws -> (Data, URLResponse) {
        let box = TaskBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, URLResponse), any Error>) in
                let task = URLSession.shared.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: ClientError.network(error.localizedDescription))
                    } else if let data, let response {
                        continuation.resume(returning: (data, response))
                    } else {
                        continuation.resume(throwing: ClientError.network("empty reply"))
                    }
                }
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }
}

/// Holds the running URLSessionTask so cancellation (on another thread) can reach it.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var cancelled = false

    func set(_ task: URLSessionDataTask) {
        lock.lock(); defer { lock.unlock() }
        self.task = task
        if cancelled { task.cancel() }
    }

    func cancel() {
        lock.lock(); defer { lock.unlock() }
        cancelled = true
        task?.cancel()
    }
}
