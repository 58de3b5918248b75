import Foundation
import HTTPTypes
import Hummingbird
import MimamoriShared

/// `POST /v1/push` and `GET /v1/changes`: visitors and district offices exchanging versions of their 校区.
struct SyncController {
    let store: any SyncStore
    let configuration: ServerConfiguration

    func addRoutes(to group: RouterGroup<ServerRequestContext>) {
        group.post(RouterPath(API.pushPath), use: push)
        group.get(RouterPath(API.changesPath), use: changes)
    }

    @Sendable func push(request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller([.visitor, .office], to: "push visits or subjects")
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: API.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ServerError.payloadTooLarge
        }
        let data = Data(body.readableBytesView)
        let push: PushRequest
        let rawVersions: [Data]?
        do {
            // The fast reader, falling back to Codable on any surprise (so errors are Codable's); when it reads
            // the body it also gives each version's bytes as sent.
            (push, rawVersions) = try MimamoriJSON.decodePushKeepingRaw(data)
        } catch {
            throw ServerError.invalidJSON(SyncController.describe(error, body: data))
        }
        if push.versions.count > API.maxBatchSize {
            throw ServerError(.contentTooLarge, code: "batch_too_large",
                              message: "the batch has \(push.versions.count) versions; send at most \(API.maxBatchSize) per batch")
        }
        if push.batchId.isEmpty || push.batchId.count > 128 {
            throw ServerError.badRequest("batchId: give 1 to 128 characters, the same for every retry of the batch")
        }
        if let header = request.headers[replicaHeaderName], header != push.replicaId {
            throw ServerError.badRequest("the \(API.replicaHeader) header (\(header)) and the body's replicaId (\(push.replicaId)) differ; send this replica's id in both")
        }
        try await bind(caller, to: push.replicaId)
        let reply = try await store.push(push, rawVersions: rawVersions ?? RawJSON.arrayElements(member: "versions", of: data), by: caller,
                                         today: configuration.latestAcceptedVisitDate())
        return JSONReply.response(data: reply.body)
    }

    @Sendable func changes(request: Request, context: ServerRequestContext) async throws -> Response {
        let caller = try context.requireCaller([.visitor, .office], to: "pull visits or subjects")
        let query = request.uri.queryParameters
        guard let sinceText = query.get("since") else {
            throw ServerError.badRequest("since: required; give the nextSince of the last page applied, or 0 to pull everything")
        }
        guard let since = Int64(sinceText), since >= 0 else {
            throw ServerError.badRequest("since: '\(sinceText)' is not accepted; accepted: a whole number ≥ 0 (the nextSince of the last page applied)")
        }
        var limit = API.defaultPageSize
        if let limitText = query.get("limit") {
            guard let value = Int(limitText), (1...API.maxPageSize).contains(value) else {
                throw ServerError.badRequest("limit: '\(limitText)' is not accepted; accepted: a whole number from 1 to \(API.maxPageSize)")
            }
            limit = value
        }
        guard let replica = request.headers[replicaHeaderName] else {
            throw ServerError.badRequest("the \(API.replicaHeader) header is required: send this replica's id")
        }
        try await bind(caller, to: replica)
        return JSONReply.response(data: try await store.changesJSON(since: since, limit: limit, districts: caller.districts))
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
            throw ServerError.badRequest("replicaId: '\(replica)' is not accepted; accepted: \(DocumentID.acceptedDescription)")
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
