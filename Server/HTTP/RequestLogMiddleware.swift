import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MimamoriShared

/// The id of one request, in its log line and in the `X-Request-Id` reply header, so that a person who reports
/// a failure and the operator reading the logs (of any server behind the balancer) talk about the same request.
public enum RequestID {
    public static let header = "X-Request-Id"
    public static let headerName = HTTPField.Name(header)!

    /// An id a proxy in front may already have given (nginx's `$request_id` is 32 hex digits): 16 to 64 hex
    /// digits and hyphens, with at least 16 digits. So strict that it cannot carry a name, a note, a token-like
    /// secret in any readable form, or anything that would break a log line; any other value is replaced.
    public static func isAcceptable(_ id: String) -> Bool { isOpaque(id) }

    /// 16 to 64 hex digits and hyphens, at least 16 of them digits: a request id, or a replica's UUID.
    static func isOpaque(_ id: String) -> Bool {
        let bytes = id.utf8
        guard (16...64).contains(bytes.count) else { return false }
        var digits = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
                digits += 1
            case UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return digits >= 16
    }

    /// A new id: 128 random bits as 32 lowercase hex digits, the form nginx gives.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The incoming id when it is acceptable, else a new one.
    static func of(_ request: Request) -> String {
        if let incoming = request.headers[headerName], isAcceptable(incoming) { return incoming }
        return make()
    }
}

/// Outermost middleware of the sync API and of the dashboard: gives every request an id (returned in `X-Request-Id`), writes one log
/// line when it ends — id, method, route pattern, status, duration, replica — and times it for `/metrics`.
///
/// What the line never holds: the path as sent or its query (it may carry personal data), any header but the
/// replica id (the `Authorization` header holds the token), a body, a name or a note. The route is the pattern
/// the router matched (`/v1/push`) when it is one of `routes`, or `unmatched`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    /// The route patterns logged by name: the sync API's unless given (the dashboard gives its own).
    var routes: Set<String> = RequestLogMiddleware.apiRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = RequestID.of(request)
        var context = context
        // Everything logged while handling the request (an unexpected failure, say) carries its id too.
        context.logger[metadataKey: "request_id"] = .string(id)
        let clock = ContinuousClock()
        let start = clock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Turned into its reply here rather than by Hummingbird, so that it carries the id header too.
            response = try error.response(from: request, context: context)
        } catch {
            // `ErrorMiddleware` turns every error into a reply; this is only a safety net, and logs the type alone.
            context.logger.error("request failed", metadata: ["error": .string(String(describing: type(of: error)))])
            response = try ServerError.internalError.response(from: request, context: context)
        }
        let duration = clock.now - start
        let route = Self.route(context, among: routes)
        response.headers[RequestID.headerName] = id
        metrics.recordRequest(route: route, method: request.method, status: response.status, duration: duration)

        var metadata: Logger.Metadata = [
            "method": .string(ServerMetrics.methodLabel(request.method)),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.3f", Double(duration.components.seconds) * 1000
                                            + Double(duration.components.attoseconds) / 1e15)),
        ]
        // A replica id is a UUID the laptop made, never a person's: logged only when it has that opaque form.
        if let replica = request.headers[replicaHeaderName], RequestID.isOpaque(replica) {
            metadata["replica"] = .string(replica)
        }
        context.logger.info("request", metadata: metadata)
        return response
    }

    static var apiRoutes: Set<String> { Set(API.methods.keys) }

    /// The pattern of the route the router matched, from a fixed, short list, never the path as sent.
    static func route(_ context: Context, among routes: Set<String> = apiRoutes) -> String {
        guard let path = context.endpointPath, routes.contains(path) else { return "unmatched" }
        return path
    }
}
