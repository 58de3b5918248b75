import Foundation
import HTTPTypes
import Hummingbird
import MimamoriShared

/// `POST /v1/push` and `GET /v1/changes`: visitors and district offices exchanging versions of their 校区.
struct SyncController {
    let store: any SyncStore
    let configuration: ServerConfiguration
    let metrics: ServerMetrics

    func addRoutes(to group: RouterGroup<ServerRequestContext>) {
        group.post(RouterPath(API.pushPath), use: push)
        group.get(RouterPath(API.changesPath), use: changes)
    }

    @Sendable func push(request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller([.visitor, .office], to: "push visits or subjects")
        try SyncController.checkBodyHeaders(request.headers)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: API.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ServerError.payloadTooLarge
        } catch {
            // A malformed chunked body or a connection cut short: the request, not the server, is at fault.
            throw ServerError.badRequest("the request body could not be read (\(type(of: error))); send the whole body, with a valid Content-Length or chunked encoding")
        }
        let push: PushRequest
        do {
            // The fast reader, falling back to Codable (after `StrictJSON.check`) on any surprise; read in place,
            // not copied out of the buffer first (a batch is ~700 KB).
            push = try body.withUnsafeReadableBytes { try MimamoriJSON.decodePush($0) }
        } catch {
            throw ServerError.invalidJSON(SyncController.describe(error, body: Data(body.readableBytesView)))
        }
        if push.versions.count > API.maxBatchSize {
            throw ServerError(.contentTooLarge, code: "batch_too_large",
                              message: "versions: the batch has \(push.versions.count) versions; send at most \(API.maxBatchSize) per batch")
        }
        if !API.isValidBatchID(push.batchId) {
            throw ServerError.badRequest("batchId: '\(shortened(push.batchId))' is not accepted; accepted: \(API.batchIDDescription), the same for every retry of the batch")
        }
        if let header = request.headers[replicaHeaderName], header != push.replicaId {
            throw ServerError.badRequest("\(API.replicaHeader): the header (\(shortened(header))) and the body's replicaId (\(shortened(push.replicaId))) differ; send this replica's id in both")
        }
        try await bind(caller, to: push.replicaId)
        do {
            let reply = try await store.push(push, by: caller, today: configuration.latestAcceptedVisitDate())
            metrics.recordPush(reply)
            return JSONReply.response(data: reply.body)
        } catch let error as BatchReuseError {
            throw ServerError(.conflict, code: "batch_conflict", message: "batchId: " + (error.errorDescription ?? ""))
        }
    }

    /// A push body is JSON, sent as it is: another `Content-Type` is 415, and so is a `Content-Encoding` the
    /// server does not undo (reading gzip bytes as JSON would only give a confusing error).
    static func checkBodyHeaders(_ headers: HTTPFields) throws {
        if let type = headers[.contentType] {
            let mediaType = type.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard mediaType == "application/json" else {
                throw ServerError(.unsupportedMediaType, code: "unsupported_media_type",
                                  message: "Content-Type: '\(shortened(type))' is not accepted; accepted: application/json")
            }
        }
        for encoding in headers[values: .contentEncoding] {
            guard encoding.trimmingCharacters(in: .whitespaces).lowercased() == "identity" else {
                throw ServerError(.unsupportedMediaType, code: "unsupported_media_type",
                                  message: "Content-Encoding: '\(shortened(encoding))' is not accepted; accepted: none (send the JSON uncompressed) or identity")
            }
        }
    }

    @Sendable func changes(request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller([.visitor, .office], to: "pull visits or subjects")
        let query = request.uri.queryParameters
        guard let sinceText = query.get("since") else {
            throw ServerError.badRequest("since: required; give the nextSince of the last page applied, or 0 to pull everything")
        }
        guard let since = Int64(sinceText), since >= 0 else {
            throw ServerError.badRequest("since: '\(shortened(sinceText))' is not accepted; accepted: a whole number ≥ 0 (the nextSince of the last page applied)")
        }
        var limit = API.defaultPageSize
        if let limitText = query.get("limit") {
            guard let value = Int(limitText), (1...API.maxPageSize).contains(value) else {
                throw ServerError.badRequest("limit: '\(shortened(limitText))' is not accepted; accepted: a whole number from 1 to \(API.maxPageSize)")
            }
            limit = value
        }
        guard let replica = request.headers[replicaHeaderName] else {
            throw ServerError.badRequest("\(API.replicaHeader): the header is required; send this replica's id (\(DocumentID.acceptedDescription))")
        }
        // The types the laptop reads; one from before activities names none. Names this server does not know
        // (a newer laptop's) are passed over: there are no such documents here.
        var types = DocumentType.readByEveryLaptop
        if let typesText = query.get(API.typesParameter) {
            let names = typesText.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard names.count <= 16, names.allSatisfy(CodeID.isValid) else {
                throw ServerError.badRequest("\(API.typesParameter): '\(shortened(typesText))' is not accepted; accepted: document types separated by commas, e.g. \(DocumentType.allCases.map(\.rawValue).joined(separator: ","))")
            }
            types = Set(names.compactMap(DocumentType.init(rawValue:)))
        }
        try await bind(caller, to: replica)
        let page = try await store.changesJSON(since: since, limit: limit, districts: caller.districts, types: types)
        metrics.recordPullPage()
        return JSONReply.response(data: page)
    }

    /// `MimamoriJSON.describe`, made precise where Foundation is not: on Linux, a negative number decoded as
    /// an unsigned counter is reported as "not valid JSON" with no field. When the body does parse as JSON,
    /// the only such values in a push are the counters, so say so.
    static func describe(_ error: any Error, body: Data) -> String {
        let described = MimamoriJSON.describe(error)
        if case let .dataCorrupted(context)? = error as? DecodingError, context.codingPath.isEmpty,
            context.debugDescription.contains("not valid JSON"),
            (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])) != nil {
            return "the body is valid JSON, but a number does not fit its field: counters in 'vector' and 'dot' must be whole numbers from 0 to 2^53 (no negative or fractional numbers)"
        }
        return described
    }

    /// A visitor or office token belongs to the first replica that uses it; any other replica is refused.
    private func bind(_ caller: Caller, to replica: String) async throws {
        guard DocumentID.isValid(replica) else {
            throw ServerError.badRequest("replicaId: '\(shortened(replica))' is not accepted; accepted: \(DocumentID.acceptedDescription) (in the body's replicaId and the \(API.replicaHeader) header)")
        }
        let bound: String
        if let existing = caller.token.replicaId {
            bound = existing
        } else {
            bound = try await store.bindToken(id: caller.token.id, toReplica: replica)
        }
        if bound != replica {
            throw ServerError.forbidden("token \(caller.token.id) belongs to replica \(bound), not \(replica); each laptop needs its own token — ask the administrator to issue one")
        }
    }
}

let replicaHeaderName = HTTPField.Name(API.replicaHeader)!
