import Foundation
import Hummingbird
import MimamoriShared

/// Every refusal the HTTP API gives: a status, a machine-readable code and a message saying what to do.
/// Answered as `APIErrorBody` JSON, like every other error (see `ErrorMiddleware`).
public struct ServerError: Error, HTTPResponseError, LocalizedError, Sendable, Hashable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// For 405: the methods the path has (the `Allow` header).
    public let allow: String?

    public init(_ status: HTTPResponse.Status, code: String, message: String, allow: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.allow = allow
    }

    public var errorDescription: String? { "\(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONReply.response(APIErrorBody(code: code, message: message), status: status)
        if let allow { response.headers[.allow] = allow }
        return response
    }

    public static func badRequest(_ message: String) -> ServerError {
        ServerError(.badRequest, code: "bad_request", message: message)
    }

    public static func invalidJSON(_ message: String) -> ServerError {
        ServerError(.badRequest, code: "invalid_json", message: message)
    }

    public static func unauthorized(_ message: String) -> ServerError {
        ServerError(.unauthorized, code: "unauthorized", message: message)
    }

    public static func forbidden(_ message: String) -> ServerError {
        ServerError(.forbidden, code: "forbidden", message: message)
    }

    public static func notFound(_ message: String) -> ServerError {
        ServerError(.notFound, code: "not_found", message: message)
    }

    public static let payloadTooLarge = ServerError(
        .contentTooLarge, code: "payload_too_large",
        message: "the request body is larger than \(API.maxBodyBytes) bytes; send fewer versions per batch (at most \(API.maxBatchSize))")

    /// The database did not answer within `ServerConfiguration.databaseWait`.
    public static let databaseUnavailable = ServerError(
        .serviceUnavailable, code: "database_unavailable",
        message: "the server runs but its database does not answer; try again shortly, and tell the administrator if it lasts")

    public static let internalError = ServerError(
        .internalServerError, code: "internal",
        message: "the server failed to handle the request; nothing was changed by it. Try again, and tell the administrator if it keeps happening")
}

/// Encodes replies with the one shared encoder, so the bytes are the same for the same value.
enum JSONReply {
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        response(data: try MimamoriJSON.encode(value), status: status)
    }

    static func response(data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
