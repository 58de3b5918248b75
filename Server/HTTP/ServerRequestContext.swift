import Foundation
import Hummingbird
import MimamoriShared

/// The request context of every route: Hummingbird's core storage plus the caller `AuthMiddleware` found.
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.caller = nil
    }

    public var maxUploadSize: Int { API.maxBodyBytes }

    /// The caller, if their role may do `action`; otherwise a 403 saying which roles may.
    func requireCaller(_ roles: Set<TokenRole>, to action: String) throws -> Caller {
        guard let caller else {
            throw ServerError.unauthorized("this request needs a token: send the header 'Authorization: Bearer <token>'")
        }
        guard roles.contains(caller.role) else {
            let allowed = TokenRole.allCases.filter(roles.contains).map(\.rawValue).joined(separator: " or ")
            throw ServerError.forbidden("a \(caller.role.rawValue) token may not \(action); only a \(allowed) token may")
        }
        return caller
    }
}

/// Checks the bearer token of every request in its group and puts the caller in the context.
/// Missing, unknown and revoked tokens are refused with 401 before any handler runs.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let store: any SyncStore
    /// `ServerConfiguration.databaseWait`.
    let databaseWait: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw ServerError.unauthorized("no token: send the header 'Authorization: Bearer <token>' with the token the administrator issued (`mimamori-server token issue`)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw ServerError.unauthorized("the Authorization header must read 'Bearer <token>'")
        }
        // The first question each request asks the database: when it goes unanswered (PostgreSQL restarting),
        // the request is refused as unavailable, which a laptop retries at its next sync.
        let secret = String(parts[1]).trimmingCharacters(in: .whitespaces)
        let found: TokenInfo?
        do {
            found = try await withTimeout(databaseWait) { try await store.token(secret: secret) }
        } catch is TimeoutError {
            throw ServerError.databaseUnavailable
        }
        guard let token = found else {
            throw ServerError.unauthorized("the token is not known to this server; check it was copied whole, or ask the administrator for a new one")
        }
        if token.isRevoked {
            throw ServerError.unauthorized("token \(token.id) (\(token.name)) was revoked; ask the administrator for a new one")
        }
        var context = context
        context.caller = Caller(token: token)
        return try await next(request, context)
    }
}

/// Turns every error into an `APIErrorBody` reply, so clients never see an empty or HTML error, and logs
/// unexpected failures (their details stay in the log, not in the reply; the route pattern, never the path as
/// sent, which may hold a name).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            throw error
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .notFound:
                if let methods = API.methods[request.uri.path] {
                    throw ServerError(.methodNotAllowed, code: "method_not_allowed",
                                      message: "\(request.uri.path) does not take \(request.method); accepted: \(methods.joined(separator: ", "))",
                                      allow: methods.joined(separator: ", "))
                }
                throw ServerError.notFound("no endpoint \(request.method) \(shortened(request.uri.path)); the API has GET \(API.healthPath), POST \(API.pushPath), GET \(API.changesPath), GET \(API.totalsPath)")
            case .contentTooLarge:
                throw ServerError.payloadTooLarge
            case .internalServerError:
                context.logger.error("request failed", metadata: ["error": "\(error)", "route": "\(RequestLogMiddleware.route(context))"])
                throw ServerError.internalError
            default:
                throw ServerError(error.status, code: error.status.code < 500 ? "bad_request" : "internal",
                                  message: error.status.reasonPhrase)
            }
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "route": "\(RequestLogMiddleware.route(context))"])
            // PostgreSQL down or restarting is not a bug of the server: say so, and that trying again later helps.
            throw PostgresSyncStore.isUnreachable(error) ? ServerError.databaseUnavailable : ServerError.internalError
        }
    }
}
