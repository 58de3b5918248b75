import Foundation
import HTTPTypes
import Hummingbird
import MimamoriShared
import Mustache

/// The dashboard's routes: sign-in and sign-out, the page of the signed-in role, its JSON, its tables as
/// CSV, and the style sheet. Every page is read from counters and small indexed tables only.
struct DashboardController {
    let store: any DashboardStore
    let configuration: DashboardConfiguration
    let sessions: DashboardSessions
    let throttle: SignInThrottle

    static let cookieName = "mimamori_session"
    static let signInPath = "/"
    static let loginPath = "/login"
    static let logoutPath = "/logout"
    static let pagePath = "/dashboard"
    static let jsonPath = "/dashboard.json"
    static let csvPath = "/csv/:file"
    /// The route patterns as the router names them (`/csv/{file}`): what a request's log line may name.
    static let routes = Set([signInPath, loginPath, logoutPath, pagePath, jsonPath, csvPath, DashboardStyle.path].map { RouterPath($0).description })
    /// The tables of a page, by their CSV name.
    static let coordinatorTables = ["indicators", "months", "years", "programs", "districts", "kinds", "methods", "outcomes"]
    static let officeOnlyTables = ["minsei", "laptops", "conflicts"]

    func addRoutes(to router: Router<DashboardRequestContext>) {
        router.get(RouterPath(Self.signInPath), use: signInPage)
        router.post(RouterPath(Self.loginPath), use: signIn)
        router.post(RouterPath(Self.logoutPath), use: signOut)
        router.get(RouterPath(Self.pagePath), use: page)
        router.get(RouterPath(Self.jsonPath), use: json)
        router.get(RouterPath(Self.csvPath), use: csv)
        router.get(RouterPath(DashboardStyle.path)) { _, _ in
            var response = Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                                    body: .init(byteBuffer: ByteBuffer(string: DashboardStyle.css)))
            Self.addSecurityHeaders(&response.headers)
            return response
        }
    }

    // MARK: Sign-in

    @Sendable func signInPage(request: Request, context: DashboardRequestContext) async throws -> Response {
        if try await signedIn(request) != nil { return Self.redirect(to: Self.pagePath) }
        let notice = request.uri.queryParameters.get("signed-out") != nil ? "サインアウトしました。" : nil
        return Self.html(template: "login", ["pageTitle": "サインイン", "notice": notice as Any])
    }

    @Sendable func signIn(request: Request, context: DashboardRequestContext) async throws -> Response {
        func refuse(_ message: String, _ status: HTTPResponse.Status) -> Response {
            Self.html(template: "login", ["pageTitle": "サインイン", "error": message], status: status)
        }
        let address = context.clientAddress
        let wait = await throttle.delay(for: address)
        if wait > .zero { try await Task.sleep(for: wait) }

        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return refuse("フォームの送り方が違います（Content-Type は application/x-www-form-urlencoded のみ受け付けます）。サインイン画面から入力してください。", .unsupportedMediaType)
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let fields = FormFields(String(buffer: body))
        guard let secret = fields["token"]?.trimmingCharacters(in: .whitespacesAndNewlines), !secret.isEmpty else {
            return refuse("トークンを入力してください（フォームの項目 token が空です）。", .badRequest)
        }
        guard let token = try await store.token(secret: secret) else {
            await throttle.recordFailure(from: address)
            return refuse("トークンが正しくありません。管理者から受け取ったトークン（mmr_ で始まる文字列）を、すべてそのまま貼り付けてください。続けて間違えると、次の入力まで待ち時間が長くなります。", .unauthorized)
        }
        if token.isRevoked {
            await throttle.recordFailure(from: address)
            return refuse("このトークンは取り消されています。管理者に新しいトークンを依頼してください。", .unauthorized)
        }
        guard token.role != .visitor else {
            return refuse("訪問者用のトークンではダッシュボードに入れません。ダッシュボードは生活支援コーディネーターと地区事務所のトークンで使えます。", .forbidden)
        }
        await throttle.recordSuccess(from: address)
        let id = try await sessions.start(tokenId: token.id)
        context.logger.info("dashboard sign-in", metadata: ["token": "\(token.id)", "role": "\(token.role.rawValue)"])
        var response = Self.redirect(to: Self.pagePath)
        response.headers[.setCookie] = cookie(id, request: request, maxAge: Int(configuration.sessionLifetime))
        return response
    }

    @Sendable func signOut(request: Request, context: DashboardRequestContext) async throws -> Response {
        if let id = request.cookies[Self.cookieName]?.value, !id.isEmpty { try await sessions.end(id) }
        var response = Self.redirect(to: "/?signed-out=1")
        response.headers[.setCookie] = cookie("", request: request, maxAge: 0)
        return response
    }

    private func cookie(_ value: String, request: Request, maxAge: Int) -> String {
        let secure = configuration.secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
        return "\(Self.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The token behind the request's session cookie, if the session is alive and the token not revoked
    /// (checked in the database at every request, so a revocation through any server counts at once).
    func signedIn(_ request: Request) async throws -> TokenInfo? {
        guard let id = request.cookies[Self.cookieName]?.value, !id.isEmpty,
              let token = try await sessions.token(id), !token.isRevoked, token.role != .visitor else { return nil }
        return token
    }

    // MARK: Pages

    @Sendable func page(request: Request, context: DashboardRequestContext) async throws -> Response {
        guard let token = try await signedIn(request) else { return Self.redirect(to: "/") }
        let page = try await build(for: token, query: Self.query(request), format: .html)
        return Self.html(template: "page", ["pageTitle": "\(page.title)（\(page.fiscalYearLabel)）", "page": page])
    }

    @Sendable func json(request: Request, context: DashboardRequestContext) async throws -> Response {
        guard let token = try await signedIn(request) else { throw DashboardError.signedOut.with(.json) }
        var response = try JSONReply.response(try await build(for: token, query: Self.query(request), format: .json))
        response.headers[.cacheControl] = "no-store"
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    @Sendable func csv(request: Request, context: DashboardRequestContext) async throws -> Response {
        guard let token = try await signedIn(request) else { throw DashboardError.signedOut }
        let file = context.parameters.get("file") ?? ""
        let isOffice = token.role == .office
        let names = Self.coordinatorTables + (isOffice ? Self.officeOnlyTables : [])
        guard file.hasSuffix(".csv"), let name = names.first(where: { "\($0).csv" == file }) else {
            throw DashboardError.notFound("CSV「\(file)」はありません。使える名前: \(names.map { "\($0).csv" }.joined(separator: ", "))")
        }
        let page = try await build(for: token, query: Self.query(request), format: .html)
        guard let table = (page.tables + page.officeTables).first(where: { $0.id == name }) else {
            throw DashboardError.notFound("CSV「\(file)」はありません。")
        }
        let filename = "mimamori-\(name)-\(page.fiscalYear).csv"
        var response = Response(status: .ok, headers: [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: "attachment; filename=\"\(filename)\"",
            .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(bytes: CSVWriter.csv(table))))
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    /// The page of `token`'s role for the 年度 the query names (this 年度 by default).
    func build(for token: TokenInfo, query: [(name: String, value: String)], format: DashboardError.Format) async throws -> DashboardPage {
        let today = configuration.today()
        var fy = FiscalYear(containing: today)
        for (key, _) in query where key != "fy" && key != "month" {
            throw DashboardError.badRequest("「\(key)」という指定は使えません。使えるのは fy（年度、例: fy=2025 で令和7年度）と month（民生委員の活動記録の月、例: month=2025-10）だけです。").with(format)
        }
        if let text = query.last(where: { $0.name == "fy" })?.value {
            let latest = FiscalYear(containing: today).year + 1
            guard let year = Int(text), (DashboardPageBuilder.firstSelectableYear...latest).contains(year) else {
                throw DashboardError.badRequest("fy（年度）に「\(text)」は指定できません。\(DashboardPageBuilder.firstSelectableYear)から\(latest)までの西暦の年度開始年を指定してください（例: fy=2025 で令和7年度）。").with(format)
            }
            fy = FiscalYear(year)
        }
        // The pro-rating date: today in the current 年度, the year's last day for a past one.
        let asOf = min(today, fy.lastDay)
        var month = asOf.monthKey
        if let text = query.last(where: { $0.name == "month" })?.value {
            let latest = FiscalYear(containing: today).lastDay
            guard text.count == 7, let first = LocalDate(text + "-01"), first.monthKey == text,
                  first >= FiscalYear(DashboardPageBuilder.firstSelectableYear).firstDay, first <= latest else {
                throw DashboardError.badRequest("month（月）に「\(text)」は指定できません。\(DashboardPageBuilder.firstSelectableYear)-04 から \(latest.monthKey) までの年月を YYYY-MM で指定してください（例: month=2025-10）。").with(format)
            }
            month = text
        }
        let scope: DashboardScope = token.role == .office ? .districts(Set(token.districts)) : .city
        async let counters = store.dashboardCounters(fiscalYears: [fy.year, fy.year - 1], districts: scope.districts)
        async let yearly = store.yearlyCounts(districts: scope.districts)
        async let programs = store.programFigures(fiscalYear: fy.year, districts: scope.districts)
        var builder = DashboardPageBuilder(scope: scope, fiscalYear: fy, asOf: asOf, signedInAs: token.name,
                                           counters: try await counters, yearly: try await yearly)
        builder.programs = try await programs
        if let districts = scope.districts {
            async let laptops = store.laptops(districts: districts)
            async let conflicts = store.conflicts(districts: districts, limit: OfficeTables.conflictLimit)
            async let minsei = store.minseiMonth(month, districts: districts)
            builder.officeTables = [OfficeTables.minsei(try await minsei, month: month, fiscalYear: fy.year)]
                + OfficeTables.make(laptops: try await laptops, conflicts: try await conflicts, fiscalYear: fy.year)
            builder.reportMonth = month
        }
        return builder.build()
    }

    // MARK: Responses

    static func query(_ request: Request) -> [(name: String, value: String)] {
        request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
    }

    static func html(template: String, _ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let text = DashboardTemplates.library.render(object, withTemplate: template) ?? ""
        var response = Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: text)))
        addSecurityHeaders(&response.headers)
        return response
    }

    static func redirect(to location: String) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        addSecurityHeaders(&response.headers)
        return response
    }

    /// Nothing from elsewhere may load, nothing may frame the pages, and no address leaks to other sites.
    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    }
}

/// The fields of an `application/x-www-form-urlencoded` body.
struct FormFields {
    private var fields: [String: String] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
    }

    subscript(name: String) -> String? { fields[name] }
}
