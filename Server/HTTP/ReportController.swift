import Foundation
import Hummingbird
import MimamoriShared

/// `GET /v1/health`, `GET /v1/totals` and `GET /v1/tokens`: what is not document sync.
struct ReportController {
    let store: any SyncStore
    let configuration: ServerConfiguration

    /// Health needs no token: a client checks the server and its epoch before logging in.
    func addPublicRoutes(to router: Router<ServerRequestContext>) {
        // Reading the epoch is the check that the database answers: 503 when it does not within `databaseWait`.
        router.get(RouterPath(API.healthPath)) { _, _ in
            guard let epoch = try? await withTimeout(configuration.databaseWait, { try await store.epoch() }) else {
                throw ServerError.databaseUnavailable
            }
            return try JSONReply.response(HealthResponse(epoch: epoch))
        }
    }

    func addRoutes(to group: RouterGroup<ServerRequestContext>) {
        group.get(RouterPath(API.totalsPath), use: totals)
        group.get(RouterPath(ReportController.tokensPath), use: tokens)
    }

    static let tokensPath = API.tokensPath

    /// Counts only, never names or notes: every role may read them. Built from the counters of the
    /// year and the year before, so its cost does not grow with the number of visits.
    @Sendable func totals(request: Request, context: ServerRequestContext) async throws -> Response {
        _ = try context.requireCaller(Set(TokenRole.allCases), to: "read totals")
        let query = request.uri.queryParameters
        var asOf = configuration.today()
        if let text = query.get("asOf") {
            guard let date = LocalDate(text), FiscalYear(containing: date).isSupported else {
                throw ServerError.badRequest("asOf: '\(shortened(text))' is not accepted; accepted: a date YYYY-MM-DD \(FiscalYear.supportedDatesDescription), e.g. 2025-09-30")
            }
            asOf = date
        }
        var fy = FiscalYear(containing: asOf)
        if let text = query.get("fy") {
            guard let year = Int(text), FiscalYear(year).isSupported else {
                throw ServerError.badRequest("fy: '\(shortened(text))' is not accepted; accepted: \(FiscalYear.supportedDescription)")
            }
            fy = FiscalYear(year)
        }
        guard fy.isSupported else {
            throw ServerError.badRequest("fy: the server's today (\(asOf)) falls outside the supported years; give fy: \(FiscalYear.supportedDescription)")
        }
        var language = Language.japanese
        if let text = query.get("lang") {
            guard let l = Language(rawValue: text) else {
                throw ServerError.badRequest("lang: '\(shortened(text))' is not accepted; accepted: \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            language = l
        }
        let counters = try await store.counters(fiscalYears: [fy.year, fy.year - 1])
        var report = TotalsReport.make(fiscalYear: fy, asOf: asOf, counters: counters, language: language)
        if let dashboard = store as? any DashboardStore {
            report.programs = try await dashboard.programFigures(fiscalYear: fy.year, districts: nil).totals
        }
        return try JSONReply.response(report)
    }

    @Sendable func tokens(request: Request, context: ServerRequestContext) async throws -> Response {
        _ = try context.requireCaller([.admin], to: "list tokens")
        return try JSONReply.response(try await store.tokens())
    }
}
