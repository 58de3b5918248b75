import Foundation
import HTTPTypes
import Hummingbird
import MimamoriShared

/// Notes, for the office's laptop list, when a laptop last reached the sync API (a pull counts as much as a
/// push). At most one write per laptop a minute, so pulling pages in a loop costs no extra writes.
struct ContactRecordingMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let store: any DashboardStore
    let recent = RecentContacts()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        // A token's first request binds it to the replica its header names, after the caller was loaded: the
        // header is then the binding (a request from another replica was refused, so never reaches here).
        let replica = context.caller?.token.replicaId ?? request.headers[HTTPField.Name(API.replicaHeader)!]
        if response.status.code < 400, context.caller?.role.syncsDocuments == true, let replica, await recent.shouldRecord(replica) {
            try? await store.recordContact(replicaId: replica, at: .now())
        }
        return response
    }
}

actor RecentContacts {
    private var last: [String: Date] = [:]

    func shouldRecord(_ replica: String, now: Date = Date()) -> Bool {
        if let t = last[replica], now.timeIntervalSince(t) < 60 { return false }
        last[replica] = now
        return true
    }
}
