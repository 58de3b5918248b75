import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

/// A store with visits in two 年度 and three 校区, one visit in conflict, and one token of each role;
/// the dashboard's clock fixed at 2025-10-15 (令和7年度, 7 months elapsed).
struct DashboardFixture: Sendable {
    static let today = LocalDate("2025-10-15")!
    /// Sensitive text seeded into the records: none of it may reach a coordinator.
    static let secrets = ["佐藤 一郎", "秘密の相談メモ", "v-yamada", "m-tanaka", "S-0001", "S-0102", "mmr_"]

    let store: any InspectableStore
    let coordinator: IssuedToken
    let office: IssuedToken
    let visitor: IssuedToken
    let otherVisitor: IssuedToken

    /// The fixture on a fresh store of `kind`, for `body`.
    static func with(_ kind: StoreKind, _ body: @escaping @Sendable (DashboardFixture) async throws -> Void) async throws {
        try await kind.withStore { store in try await body(DashboardFixture(store: store)) }
    }

    init() async throws { try await self.init(store: SQLiteSyncStore.inMemory()) }

    init(store: any InspectableStore) async throws {
        self.store = store
        coordinator = try await store.issueToken(role: .coordinator, name: "市 地域福祉課", districts: [])
        office = try await store.issueToken(role: .office, name: "京町・篠山 地区事務所", districts: ["kyomachi", "sasayama"])
        visitor = try await store.issueToken(role: .visitor, name: "京町 山田さんのPC", districts: ["kyomachi"])
        otherVisitor = try await store.issueToken(role: .visitor, name: "西牟田 田中さんのPC", districts: ["nishimuta"])
        _ = try await store.bindToken(id: visitor.info.id, toReplica: "laptop-kyomachi")
        _ = try await store.bindToken(id: otherVisitor.info.id, toReplica: "laptop-nishimuta")

        let kyomachi = Caller(token: visitor.info)
        let nishimuta = Caller(token: otherVisitor.info)
        func visit(_ id: String, _ district: String, _ kind: VisitKind, _ date: String, method: ContactMethod = .homeVisit,
                   outcome: Outcome = .safetyConfirmed, plan: PlanEvent? = nil, subject: String = "S-0001",
                   minsei: [VisitAction]? = nil) -> DocumentPayload {
            .visit(Visit(id: id, kind: kind, method: method, date: LocalDate(date)!, visitorId: minsei == nil ? "v-yamada" : "m-tanaka",
                         visitorRole: minsei == nil ? .fureaiMember : .minseiIin, subjectId: subject, district: district,
                         outcome: outcome, actions: minsei ?? [], planEvent: plan, note: "秘密の相談メモ"))
        }
        var counter: UInt64 = 0
        func create(_ p: DocumentPayload, _ replica: String) -> Version {
            counter += 1
            return VersionSet().write(p, replica: replica, counter: counter, author: "v-yamada", at: Timestamp(milliseconds: 1_750_000_000_000))
        }
        // 令和7年度: kyomachi 3 fureai (one by phone, one not at home) + 1 + 3 minsei; nishimuta 2 fureai,
        // 3 outreach (plan created, re-planned, closed) and 3 日常生活自立支援事業 check-ins of 2 holders.
        // 令和6年度 (same period): kyomachi 2 fureai; after the same period (November): 1 more.
        let kyomachiVersions = [
            create(.subject(Subject(id: "S-0001", name: "佐藤 一郎", district: "kyomachi")), "laptop-kyomachi"),
            create(visit("v1", "kyomachi", .fureaiWatch, "2025-04-10"), "laptop-kyomachi"),
            create(visit("v2", "kyomachi", .fureaiWatch, "2025-05-20", method: .phone), "laptop-kyomachi"),
            create(visit("v3", "kyomachi", .fureaiWatch, "2025-09-30", outcome: .notAtHome), "laptop-kyomachi"),
            create(visit("v4", "kyomachi", .minseiWatch, "2025-06-01"), "laptop-kyomachi"),
            create(visit("v5", "kyomachi", .fureaiWatch, "2024-04-15"), "laptop-kyomachi"),
            create(visit("v6", "kyomachi", .fureaiWatch, "2024-08-15"), "laptop-kyomachi"),
            create(visit("v7", "kyomachi", .fureaiWatch, "2024-11-15"), "laptop-kyomachi"),
            // A 民生委員's October: 3 visits on 2 days, one with 連絡調整, one with 相談対応.
            create(visit("m1", "kyomachi", .minseiWatch, "2025-10-01", minsei: ["liaison"]), "laptop-kyomachi"),
            create(visit("m2", "kyomachi", .minseiWatch, "2025-10-01", minsei: ["consultation", "safety_check"]), "laptop-kyomachi"),
            create(visit("m3", "kyomachi", .minseiWatch, "2025-10-03", minsei: []), "laptop-kyomachi"),
            // Their activities: two surveys on a day without a visit, and a 連絡調整 on a day with one.
            create(.activity(Activity(id: "a1", category: "survey", date: LocalDate("2025-10-05")!, district: "kyomachi", count: 2,
                                      visitorId: "m-tanaka", visitorRole: .minseiIin, note: "秘密の相談メモ")), "laptop-kyomachi"),
            create(.activity(Activity(id: "a2", category: .liaison, date: LocalDate("2025-10-01")!, district: "kyomachi",
                                      visitorId: "m-tanaka", visitorRole: .minseiIin)), "laptop-kyomachi"),
        ]
        let reply = try await store.push(PushRequest(batchId: "b1", replicaId: "laptop-kyomachi", versions: kyomachiVersions),
                                         by: kyomachi, today: Self.today)
        precondition(reply.response.results.allSatisfy { $0.outcome == .new })
        let nishimutaVersions = [
            create(visit("w1", "nishimuta", .fureaiWatch, "2025-07-01"), "laptop-nishimuta"),
            create(visit("w2", "nishimuta", .fureaiWatch, "2025-07-02"), "laptop-nishimuta"),
            create(visit("w3", "nishimuta", .outreach, "2025-07-03", plan: "created"), "laptop-nishimuta"),
            create(visit("w5", "nishimuta", .outreach, "2025-08-03", plan: "replanned"), "laptop-nishimuta"),
            create(visit("w6", "nishimuta", .outreach, "2025-09-03", plan: "closed"), "laptop-nishimuta"),
            // 日常生活自立支援事業: three check-ins of two contract holders; one more in 令和6年度.
            create(visit("n1", "nishimuta", .nichijiCheckin, "2025-05-01", subject: "S-0102"), "laptop-nishimuta"),
            create(visit("n2", "nishimuta", .nichijiCheckin, "2025-06-01", subject: "S-0102"), "laptop-nishimuta"),
            create(visit("n3", "nishimuta", .nichijiCheckin, "2025-06-02", subject: "S-0103"), "laptop-nishimuta"),
            create(visit("n4", "nishimuta", .nichijiCheckin, "2024-06-02", subject: "S-0104"), "laptop-nishimuta"),
            // Refused: outside the token's 校区.
            create(visit("w4", "kyomachi", .fureaiWatch, "2025-07-03"), "laptop-nishimuta"),
        ]
        _ = try await store.push(PushRequest(batchId: "b2", replicaId: "laptop-nishimuta", versions: nishimutaVersions),
                                 by: nishimuta, today: Self.today)
        // A conflict on v2: the office's laptop edits it without having seen the visitor's version.
        let officeCaller = Caller(token: office.info)
        _ = try await store.bindToken(id: office.info.id, toReplica: "laptop-office")
        counter += 1
        let rival = VersionSet().write(visit("v2", "kyomachi", .fureaiWatch, "2025-05-21", method: .phone), replica: "laptop-office",
                                       counter: counter, author: "office", at: Timestamp(milliseconds: 1_750_000_100_000))
        let conflictReply = try await store.push(PushRequest(batchId: "b3", replicaId: "laptop-office", versions: [rival]),
                                                 by: officeCaller, today: Self.today)
        precondition(conflictReply.response.results.map(\.outcome) == [.conflict], "\(conflictReply.response.results)")
    }

    var configuration: DashboardConfiguration {
        DashboardConfiguration(port: 0, failureBaseDelay: .milliseconds(40), failureMaxDelay: .milliseconds(400),
                               today: { DashboardFixture.today })
    }

    func run(_ body: @escaping @Sendable (DashboardFixture, any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildDashboardRouter(configuration, store: store))
        try await app.test(.router) { client in try await body(self, client) }
    }

    /// `run` on a fresh store of `kind`.
    static func run(on kind: StoreKind, _ body: @escaping @Sendable (DashboardFixture, any TestClientProtocol) async throws -> Void) async throws {
        try await with(kind) { fixture in try await fixture.run(body) }
    }
}

extension TestClientProtocol {
    /// Signs in with the token's secret and returns the session cookie ("mimamori_session=…").
    func signIn(_ token: IssuedToken, headers extra: HTTPFields = [:]) async throws -> String {
        let response = try await postForm("/login", "token=\(token.secret)", headers: extra)
        #expect(response.status == .seeOther, "sign-in answered \(response.status): \(String(buffer: response.body))")
        let setCookie = try #require(response.headers[.setCookie])
        return String(setCookie.split(separator: ";")[0])
    }

    func postForm(_ uri: String, _ body: String, cookie: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        headers.append(contentsOf: extra)
        return try await executeRequest(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String, cookie: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        return try await executeRequest(uri: uri, method: .get, headers: headers, body: nil)
    }
}
