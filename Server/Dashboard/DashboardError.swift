import Foundation
import Hummingbird
import MimamoriShared

/// A refusal of the dashboard, in Japanese: an HTML page for the browser, or the usual JSON error body
/// for `/dashboard.json`.
struct DashboardError: Error, HTTPResponseError {
    enum Format { case html, json }

    let status: HTTPResponse.Status
    let code: String
    let message: String
    var format: Format = .html

    func response(from request: Request, context: some RequestContext) throws -> Response {
        switch format {
        case .json:
            var response = try JSONReply.response(APIErrorBody(code: code, message: message), status: status)
            DashboardController.addSecurityHeaders(&response.headers)
            return response
        case .html:
            let title = status == .notFound ? "ページが見つかりません" : status == .badRequest ? "指定を確認してください" : "ご確認ください"
            let signedIn = status != .unauthorized
            return DashboardController.html(
                template: "message",
                ["pageTitle": title, "message": message,
                 "backLink": signedIn ? "/dashboard" : "/", "backText": signedIn ? "ダッシュボードに戻る" : "サインインへ"],
                status: status)
        }
    }

    func with(_ format: Format) -> DashboardError {
        var e = self
        e.format = format
        return e
    }

    static func badRequest(_ message: String) -> DashboardError { DashboardError(status: .badRequest, code: "bad_request", message: message) }
    static func notFound(_ message: String) -> DashboardError { DashboardError(status: .notFound, code: "not_found", message: message) }
    static let signedOut = DashboardError(status: .unauthorized, code: "unauthorized",
                                          message: "サインインしていないか、セッションの期限（1日）が切れました。トークンでもう一度サインインしてください。")
}

/// Turns unexpected failures into a Japanese page without details (they go to the log), and unknown
/// paths into a Japanese "not found".
struct DashboardErrorMiddleware: RouterMiddleware {
    typealias Context = DashboardRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let format: DashboardError.Format = request.uri.path.hasSuffix(".json") ? .json : .html
        do {
            return try await next(request, context)
        } catch let error as DashboardError {
            throw error
        } catch let error as any HTTPResponseError where error.status == .notFound {
            throw DashboardError.notFound("\(request.uri.path) というページはありません。ダッシュボード（/dashboard）から開いてください。").with(format)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw DashboardError(status: .contentTooLarge, code: "payload_too_large",
                                 message: "送信された内容が大きすぎます（16KBまで）。トークンだけを入力してください。", format: format)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            throw DashboardError(status: error.status, code: "bad_request", message: "リクエストを処理できませんでした（\(error.status.code)）。", format: format)
        } catch {
            context.logger.error("dashboard request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw DashboardError(status: .internalServerError, code: "internal",
                                 message: "サーバーで処理に失敗しました。しばらくしてからもう一度開き、続くようなら管理者に連絡してください。", format: format)
        }
    }
}
