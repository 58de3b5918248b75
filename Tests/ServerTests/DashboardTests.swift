import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("Dashboard: sign-in and sessions")
struct DashboardSessionTests {
    @Test("the sign-in form, a wrong token refused in Japanese, a right one starting an HttpOnly SameSite=Strict session", arguments: StoreKind.available)
    func signInFlow(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { fixture, client in
            let form = try await client.get("/", cookie: nil)
            #expect(form.status == .ok)
            #expect(String(buffer: form.body).contains("name=\"token\""))
            #expect(form.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true)

            let wrong = try await client.postForm("/login", "token=mmr_not-a-real-token")
            #expect(wrong.status == .unauthorized)
            let wrongText = String(buffer: wrong.body)
            #expect(wrongText.contains("トークンが正しくありません"))
            #expect(!wrongText.contains("mmr_not-a-real-token"))
            #expect(wrong.headers[.setCookie] == nil)

            let empty = try await client.postForm("/login", "token=")
            #expect(empty.status == .badRequest)
            #expect(String(buffer: empty.body).contains("フォームの項目 token が空です"))

            let response = try await client.postForm("/login", "token=\(fixture.coordinator.secret)")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/dashboard")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Max-Age=36000"))
            #expect(!cookie.contains("Secure"))
            #expect(!cookie.contains(fixture.coordinator.secret))
            let session = String(cookie.split(separator: ";")[0])

            let page = try await client.get("/dashboard", cookie: session)
            #expect(page.status == .ok)
            #expect(!String(buffer: page.body).contains(fixture.coordinator.secret))
            #expect(try await client.get("/", cookie: session).headers[.location] == "/dashboard")

            let out = try await client.postForm("/logout", "", cookie: session)
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await client.get("/dashboard", cookie: session)
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/")
            #expect(String(buffer: try await client.get("/?signed-out=1", cookie: nil).body).contains("サインアウトしました"))
        }
    }

    @Test("over TLS (X-Forwarded-Proto: https) the session cookie is Secure", arguments: StoreKind.available)
    func secureCookie(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { fixture, client in
            let response = try await client.postForm("/login", "token=\(fixture.office.secret)",
                                                     headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(response.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    @Test("a visitor's token and a revoked token do not open the dashboard; revoking ends open sessions", arguments: StoreKind.available)
    func refusedTokens(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { fixture, client in
            let visitor = try await client.postForm("/login", "token=\(fixture.visitor.secret)")
            #expect(visitor.status == .forbidden)
            #expect(String(buffer: visitor.body).contains("訪問者用のトークンではダッシュボードに入れません"))

            let session = try await client.signIn(fixture.office)
            try await fixture.store.revokeToken(id: fixture.office.info.id)
            #expect(try await client.get("/dashboard", cookie: session).status == .seeOther)
            let again = try await client.postForm("/login", "token=\(fixture.office.secret)")
            #expect(again.status == .unauthorized)
            #expect(String(buffer: again.body).contains("取り消されています"))
        }
    }

    @Test("repeated failures from one address wait longer each time, up to the maximum; success forgets them")
    func failuresSlowDown() async throws {
        let throttle = SignInThrottle(baseDelay: .milliseconds(500), maxDelay: .seconds(4))
        #expect(await throttle.delay(for: "10.0.0.1") == .zero)
        var delays: [Duration] = []
        for _ in 0..<6 {
            await throttle.recordFailure(from: "10.0.0.1")
            delays.append(await throttle.delay(for: "10.0.0.1"))
        }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        #expect(await throttle.delay(for: "10.0.0.2") == .zero)
        await throttle.recordSuccess(from: "10.0.0.1")
        #expect(await throttle.delay(for: "10.0.0.1") == .zero)

        // Through HTTP: after three failures the fourth attempt waits 40 ms × 2² = 160 ms before it is answered.
        try await DashboardFixture().run { _, client in
            for _ in 0..<3 { _ = try await client.postForm("/login", "token=wrong") }
            let clock = ContinuousClock()
            let start = clock.now
            let fourth = try await client.postForm("/login", "token=wrong")
            #expect(fourth.status == .unauthorized)
            #expect(clock.now - start >= .milliseconds(160))
        }
    }

    @Test("a session ends after its lifetime (a working day); the database holds only its id's hash, and expired sessions are purged",
          arguments: StoreKind.available)
    func sessionExpires(store kind: StoreKind) async throws {
        try await kind.withStore { store in
            let token = try await store.issueToken(role: .coordinator, name: "市", districts: [])
            let clock = TestClock()
            let sessions = DashboardSessions(store: store, lifetime: 10 * 3600, now: { clock.now })
            let id = try await sessions.start(tokenId: token.info.id)
            #expect(try await store.sessionToken(idHash: id, now: Timestamp(clock.now)) == nil, "the id itself is not stored")
            clock.advance(9 * 3600)
            #expect(try await sessions.token(id)?.id == token.info.id)
            clock.advance(3600)
            #expect(try await sessions.token(id) == nil)
            // The next sign-in deletes the expired session; a fresh one lives on.
            let fresh = try await sessions.start(tokenId: token.info.id)
            clock.advance(-3600)
            #expect(try await sessions.token(id) == nil, "purged: not even an earlier clock brings it back")
            #expect(try await sessions.token(fresh)?.id == token.info.id)
            try await sessions.end(fresh)
            #expect(try await sessions.token(fresh) == nil)
        }
    }
}

final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_760_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}

@Suite("Dashboard: pages, JSON and CSV")
struct DashboardPageTests {
    @Test("the coordinator's page shows the city's figures in Japanese, every 校区, and nothing personal", arguments: StoreKind.available)
    func coordinatorPage(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { fixture, client in
            let session = try await client.signIn(fixture.coordinator)
            let html = String(buffer: try await client.get("/dashboard", cookie: session).body)
            // 令和7年度: fureai 3 (kyomachi, v2 counted once though in conflict) + 2 (nishimuta) = 5.
            #expect(html.contains("令和7年度（2025年度）"))
            #expect(html.contains("<span class=\"count\">5件</span>"))
            #expect(html.contains("296,000件"))
            // Pro-rated: 296,000 × 7 / 12 = 172,667; progress 5 / 172,667 = 0.0%.
            #expect(html.contains("172,667件"))
            #expect(html.contains("226,650件"))
            // Same period last year (April–October 2024): 2 of the 3 令和6年度 visits.
            #expect(html.contains("<dd class=\"last-year\">2件（250.0%）</dd>"))
            // Broad count: 5 fureai + 4 minsei = 9.
            #expect(html.contains("<span class=\"count\">9件</span>"))
            for (_, name) in KurumeDistricts.all { #expect(html.contains("<td>\(name)</td>"), "校区 \(name) missing") }
            #expect(html.contains("<svg"))
            #expect(html.contains("安否確認"))
            for secret in DashboardFixture.secrets { #expect(!html.contains(secret), "\(secret) reached the coordinator") }
            #expect(!html.contains("laptops"))
        }
    }

    @Test("another 年度 can be chosen; bad or unknown query parameters get a Japanese message naming them", arguments: StoreKind.available)
    func yearSelection(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { fixture, client in
            let session = try await client.signIn(fixture.coordinator)
            let last = String(buffer: try await client.get("/dashboard?fy=2024", cookie: session).body)
            #expect(last.contains("令和6年度（2024年度）"))
            #expect(last.contains("<span class=\"count\">3件</span>"))
            #expect(last.contains("<option value=\"2024\" selected>"))

            let bad = try await client.get("/dashboard?fy=abc", cookie: session)
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("fy（年度）に「abc」は指定できません"))
            let early = try await client.get("/dashboard?fy=1999", cookie: session)
            #expect(early.status == .badRequest)
            let unknown = try await client.get("/dashboard?year=2024", cookie: session)
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("「year」という指定は使えません"))
            let json = try await client.get("/dashboard.json?fy=%3Cscript%3E", cookie: session)
            #expect(json.status == .badRequest)
            let error = try MimamoriJSON.decode(APIErrorBody.self, from: Data(buffer: json.body))
            #expect(error.error.message.contains("fy（年度）に「<script>」は指定できません"))
            #expect(!String(buffer: bad.body).contains("<script>"))
        }
    }

    @Test("the JSON behind the page carries the same figures, and needs a session", arguments: StoreKind.available)
    func pageJSON(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { fixture, client in
            #expect(try await client.get("/dashboard.json", cookie: nil).status == .unauthorized)
            let session = try await client.signIn(fixture.coordinator)
            let response = try await client.get("/dashboard.json", cookie: session)
            let page = try MimamoriJSON.decoder().decode(DashboardPage.self, from: Data(buffer: response.body))
            #expect(page.role == "coordinator")
            #expect(page.fiscalYear == 2025)
            #expect(page.indicators.map(\.count) == [5, 9])
            #expect(page.indicators[0].proratedTarget == 172_667)
            #expect(page.indicators[0].annualTarget == 296_000)
            #expect(page.indicators[0].lastYearSamePeriod == 2)
            #expect(page.tables.first { $0.id == "districts" }?.rows.count == 46)
            #expect(page.officeTables.isEmpty)
            let text = String(buffer: response.body)
            for secret in DashboardFixture.secrets { #expect(!text.contains(secret)) }
        }
    }

    @Test("CSV: BOM, CRLF, Japanese header, one row per 校区, no personal data", arguments: StoreKind.available)
    func csv(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { fixture, client in
            let session = try await client.signIn(fixture.coordinator)
            for name in DashboardController.coordinatorTables {
                let response = try await client.get("/csv/\(name).csv?fy=2025", cookie: session)
                #expect(response.status == .ok, "\(name)")
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let bytes = Array(buffer: response.body)
                #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
                let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                #expect(text.hasSuffix("\r\n"))
                for secret in DashboardFixture.secrets { #expect(!text.contains(secret)) }
            }
            let districts = String(decoding: Array(buffer: try await client.get("/csv/districts.csv", cookie: session).body).dropFirst(3), as: UTF8.self)
            let lines = districts.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.first == "\"校区\",\"校区ID\",\"ふれあいの会\",\"全見守り訪問\",\"全訪問\"")
            #expect(lines.count == 47)
            #expect(lines.contains("\"京町\",\"kyomachi\",\"3\",\"7\",\"7\""))
            #expect(lines.contains("\"西牟田\",\"nishimuta\",\"2\",\"2\",\"8\""))

            let programs = String(decoding: Array(buffer: try await client.get("/csv/programs.csv?fy=2025", cookie: session).body).dropFirst(3), as: UTF8.self)
            let programLines = programs.components(separatedBy: "\r\n")
            #expect(programLines.contains { $0.hasPrefix("\"アウトリーチ：プラン作成（再プランを含む）\",\"2\",\"年間目標 30件") })
            #expect(programLines.contains("\"　うち再プラン\",\"1\",\"—\""))
            #expect(programLines.contains("\"アウトリーチ：終結\",\"1\",\"—\""))
            #expect(programLines.contains("\"日常生活自立支援事業：定期訪問件数\",\"3\",\"—\""))
            #expect(programLines.contains { $0.hasPrefix("\"日常生活自立支援事業：訪問した契約者数（実人数）\",\"2\"") })

            #expect(try await client.get("/csv/laptops.csv", cookie: session).status == .notFound)
            #expect(try await client.get("/csv/nothing.csv", cookie: session).status == .notFound)
            #expect(try await client.get("/csv/districts.csv", cookie: nil).status == .unauthorized)
        }
    }

    @Test("CSV cells that Excel would read as formulas are neutralised; quotes doubled")
    func csvInjection() {
        #expect(CSVWriter.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        for lead in ["+1", "-1", "@SUM(A1)", "\tx"] { #expect(CSVWriter.cell(lead).hasPrefix("\"'")) }
        #expect(CSVWriter.cell("京町") == "\"京町\"")
        let data = CSVWriter.csv(headers: ["a"], rows: [["=1"]])
        #expect(Array(data) == Array("\u{FEFF}\"a\"\r\n\"'=1\"\r\n".utf8))
    }

    @Test("the office's page: its 校区 only, its laptops with last sync and refusals, its documents in conflict", arguments: StoreKind.available)
    func officePage(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { fixture, client in
            let session = try await client.signIn(fixture.office)
            let html = String(buffer: try await client.get("/dashboard", cookie: session).body)
            #expect(html.contains("地区事務所の報告"))
            #expect(html.contains("<span class=\"count\">3件</span>"))  // kyomachi only
            #expect(html.contains("<td>京町</td>"))
            #expect(html.contains("<td>篠山</td>"))
            #expect(!html.contains("<td>西牟田</td>"))
            #expect(html.contains("京町 山田さんのPC"))
            #expect(!html.contains("西牟田 田中さんのPC"))
            #expect(html.contains("<td>v2</td>"))
            #expect(html.contains("令和7年5月"))

            let page = try MimamoriJSON.decoder().decode(DashboardPage.self, from: Data(buffer: try await client.get("/dashboard.json", cookie: session).body))
            let laptops = try #require(page.officeTables.first { $0.id == "laptops" })
            #expect(laptops.rows.map { $0.cells[0].text }.sorted() == ["京町 山田さんのPC", "京町・篠山 地区事務所"])
            let conflicts = try #require(page.officeTables.first { $0.id == "conflicts" })
            #expect(conflicts.rows.map { $0.cells[0].value } == ["v2"])
            #expect(page.indicators[0].annualTarget == Int((296_000.0 * 2 / 46).rounded()))

            // The 民生委員's October (the page's month by default) and the 地区民児協's sum.
            let minsei = try #require(page.officeTables.first { $0.id == "minsei" })
            #expect(page.reportMonth == "2025-10")
            #expect(minsei.title.contains("2025年10月"))
            // Activities: 2 surveys on a day without a visit (a third day) and one 連絡調整 (a second liaison).
            // Items down the table (the national form's layout), one column per 民生委員 and the 地区民児協's sum.
            #expect(minsei.headers == ["項目", "m-tanaka（京町）", "合計（地区民児協）"])
            let noTopics = Array(repeating: "0", count: ConsultationField.entries.count + ConsultationTopic.entries.count)
            let activities = ["2", "2", "0", "0", "0", "0", "0"]
            let expected = ["3", "3", "2", "1"] + noTopics + activities
            #expect(minsei.rows.map { $0.cells[1].value } == expected)
            #expect(minsei.rows.map { $0.cells[2].value } == expected)
            #expect(minsei.rows.prefix(4).map { $0.cells[0].value } == ["訪問回数", "活動日数", "連絡調整回数", "相談・支援件数"])
            let september = try MimamoriJSON.decoder().decode(DashboardPage.self, from: Data(buffer: try await client.get("/dashboard.json?month=2025-09", cookie: session).body))
            let septemberTable = try #require(september.officeTables.first { $0.id == "minsei" })
            #expect(septemberTable.headers == ["項目", "合計（地区民児協）"])
            #expect(septemberTable.rows.first?.cells.map(\.value) == ["訪問回数", "0"])
            let badMonth = try await client.get("/dashboard?month=2025-13", cookie: session)
            #expect(badMonth.status == .badRequest)
            #expect(String(buffer: badMonth.body).contains("month（月）に「2025-13」は指定できません"))
            let minseiCSV = String(decoding: Array(buffer: try await client.get("/csv/minsei.csv?month=2025-10", cookie: session).body).dropFirst(3), as: UTF8.self)
            #expect(minseiCSV.hasPrefix("\"項目\",\"m-tanaka（京町）\",\"合計（地区民児協）\"\r\n\"訪問回数\",\"3\",\"3\"\r\n\"活動日数\",\"3\",\"3\"\r\n"))
            #expect(minseiCSV.contains("\"その他の活動: 調査・実態把握\",\"2\",\"2\"\r\n"))
            #expect(minseiCSV.hasSuffix("\"その他の活動: 要保護児童の発見の通告・仲介\",\"0\",\"0\"\r\n"))

            let csv = String(decoding: Array(buffer: try await client.get("/csv/conflicts.csv", cookie: session).body).dropFirst(3), as: UTF8.self)
            #expect(csv.hasPrefix("\"文書ID\",\"校区\",\"種類\",\"訪問日\""))
            #expect(csv.contains("\"v2\",\"京町\",\"訪問記録\""))
        }
    }

    @Test("a laptop's refused changes and last contact are counted for its office", arguments: StoreKind.available)
    func laptopActivity(store kind: StoreKind) async throws {
        try await DashboardFixture.with(kind) { fixture in
        let all = try await fixture.store.laptops(districts: ["nishimuta", "kyomachi"])
        let nishimuta = try #require(all.first { $0.replicaId == "laptop-nishimuta" })
        #expect(nishimuta.refusedTotal == 1)
        #expect(nishimuta.refusedLastPush == 1)
        #expect(nishimuta.lastPushAt != nil)
        let kyomachi = try #require(all.first { $0.replicaId == "laptop-kyomachi" })
        #expect(kyomachi.refusedTotal == 0)
        }
    }

    @Test("a text from the store is escaped, never markup; the templates never use unescaped tags", arguments: StoreKind.available)
    func escaping(store kind: StoreKind) async throws {
        try await kind.withStore { store in
        let office = try await store.issueToken(role: .office, name: "<script>alert(1)</script>", districts: ["<b>x</b>"])
        let app = Application(router: buildDashboardRouter(DashboardConfiguration(today: { DashboardFixture.today }), store: store))
        try await app.test(.router) { client in
            let session = try await client.signIn(office)
            let html = String(buffer: try await client.get("/dashboard", cookie: session).body)
            #expect(!html.contains("<script>"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!html.contains("<b>x</b>"))
        }
        }
        for (name, source) in DashboardTemplates.sources {
            #expect(!source.contains("{{{"), "\(name) uses an unescaped tag")
            #expect(!source.contains("{{&"), "\(name) uses an unescaped tag")
        }
    }

    @Test("the style sheet is served by the dashboard itself, with an A4 print layout", arguments: StoreKind.available)
    func styleSheet(store kind: StoreKind) async throws {
        try await DashboardFixture.run(on: kind) { _, client in
            let css = try await client.get("/static/dashboard.css", cookie: nil)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            let text = String(buffer: css.body)
            #expect(text.contains("size: A4"))
            #expect(!text.contains("http"))
            #expect(try await client.get("/nowhere", cookie: nil).status == .notFound)
        }
    }
}

@Suite("Dashboard: counters equal a recount")
struct DashboardCountingTests {
    @Test("after random multi-replica histories the 校区 counters and the conflict list equal a recount from the documents",
          arguments: StoreKind.available, [1, 2, 3, 4, 5, 6])
    func districtCountersEqualRecount(store kind: StoreKind, seed: UInt64) async throws {
        try await kind.withStore { store in try await Self.districtCountersEqualRecount(store: store, seed: seed) }
    }

    /// The same histories pushed in batches of several versions, as a laptop's outbox sends them: a batch brings new
    /// documents, edits of stored ones and several versions of one document at once (the server counts a batch's
    /// new documents before its transaction and corrects inside it for the rest).
    @Test("the same with each replica's writes pushed in batches", arguments: StoreKind.available, [1, 2, 3])
    func districtCountersEqualRecountInBatches(store kind: StoreKind, seed: UInt64) async throws {
        try await kind.withStore { store in try await Self.districtCountersEqualRecount(store: store, seed: seed, batch: 5) }
    }

    static func districtCountersEqualRecount(store: any InspectableStore, seed: UInt64, batch: Int = 1) async throws {
        var rng = SeededGenerator(seed: seed)
        let districts = ["kyomachi", "sasayama", "nishimuta"]
        let replicas = ["r-a", "r-b", "r-c"]
        var callers: [String: Caller] = [:]
        for r in replicas {
            let t = try await store.issueToken(role: .office, name: r, districts: districts)
            callers[r] = Caller(token: t.info)
        }
        // Each replica holds what it has seen of each document, writes over it, and sometimes syncs.
        var held: [String: [String: [Version]]] = [:]
        var counters: [String: UInt64] = [:]
        // Each replica's writes not pushed yet, oldest first.
        var pending: [String: [Version]] = [:]
        func push(_ r: String, _ step: Int) async throws {
            guard let versions = pending[r], !versions.isEmpty else { return }
            pending[r] = []
            let reply = try await store.push(PushRequest(batchId: "\(r)-\(step)", replicaId: r, versions: versions),
                                             by: callers[r]!, today: DashboardFixture.today)
            #expect(reply.response.results.allSatisfy { $0.outcome != .rejected }, "\(reply.response.results)")
        }
        let kinds: [VisitKind] = [.fureaiWatch, .minseiWatch, .outreach, .nichijiCheckin]
        for step in 0..<120 {
            let r = replicas.randomElement(using: &rng)!
            let index = Int.random(in: 0..<12, using: &rng)
            let id = "d\(index)"
            counters[r, default: 0] += 1
            let date = LocalDate(year: [2024, 2025].randomElement(using: &rng)!, month: Int.random(in: 1...12, using: &rng), day: 3)!
            var payload = DocumentPayload.visit(Visit(
                id: id, kind: kinds.randomElement(using: &rng)!, method: [.homeVisit, .phone].randomElement(using: &rng)!,
                date: min(date, DashboardFixture.today), visitorId: "v", visitorRole: .fureaiMember, subjectId: "s",
                // A document stays in its 校区: a move is an office's deliberate act with rules of its own (MoveTests).
                district: districts[index % districts.count], outcome: [.safetyConfirmed, .notAtHome].randomElement(using: &rng)!))
            if case var .visit(v) = payload {
                v.subjectId = "s\(Int.random(in: 0..<4, using: &rng))"
                v.visitorRole = [.fureaiMember, .minseiIin].randomElement(using: &rng)!
                v.visitorId = ["m1", "m2"].randomElement(using: &rng)!
                v.actions = ([[], ["liaison"], ["consultation"], ["liaison", "consultation"]] as [[VisitAction]]).randomElement(using: &rng)!
                v.consultationField = ([nil, .elderly, .children, "newer_field"] as [ConsultationField?]).randomElement(using: &rng)!
                v.consultationTopics = ([[], ["housing"], ["housing", "work"], ["newer_topic", "family"]] as [[ConsultationTopic]])
                    .randomElement(using: &rng)!
                if v.kind == .outreach { v.planEvent = ([nil, "created", "replanned", "closed"] as [PlanEvent?]).randomElement(using: &rng)! }
                payload = .visit(v)
                // Some documents are activities (その他の活動, 連絡調整): same ids, so a type never changes under one.
                if index >= 8 {
                    payload = .activity(Activity(
                        id: id, category: (["survey", "certification", "liaison", "newer_category"] as [ActivityCategory]).randomElement(using: &rng)!,
                        date: v.date, district: v.district, count: Int.random(in: 1...5, using: &rng), visitorId: v.visitorId,
                        visitorRole: v.visitorRole, note: "秘密のメモ"))
                }
            }
            let version = try VersionSet(held[r]?[id] ?? []).write(payload, deleted: Int.random(in: 0..<6, using: &rng) == 0,
                                                                    replica: r, counter: counters[r]!, author: "a",
                                                                    at: Timestamp(milliseconds: Int64(step)))
            pending[r, default: []].append(version)
            if pending[r]!.count >= batch { try await push(r, step) }
            held[r, default: [:]][id] = try VersionSet(held[r]?[id] ?? []).merging(try VersionSet([version])).versions
            if Int.random(in: 0..<3, using: &rng) == 0 {
                // Push what is pending, then pull everything: the replica now holds the server's sets.
                try await push(r, step)
                for (doc, versions) in try await store.allDocuments() { held[r, default: [:]][doc] = versions }
            }
        }
        for r in replicas { try await push(r, 120) }
        let documents = try await store.allDocuments()
        var expected: [CounterKey: Int] = [:]
        var expectedConflicts: Set<String> = []
        var expectedHolders: [Int: Set<String>] = [:]
        var expectedPlans: [Int: [String: Int]] = [:]
        for (id, versions) in documents {
            let set = try VersionSet(versions)
            if set.isConflict { expectedConflicts.insert(id) }
            if let holder = DistrictCounting.holder(of: set.display) { expectedHolders[holder.fiscalYear, default: []].insert(holder.subjectId) }
            for key in DistrictCounting.contribution(of: set.display) {
                if key.dimension == DistrictCounterKey.planEvent { expectedPlans[key.fiscalYear, default: [:]][key.key, default: 0] += 1; continue }
                let dimension = try #require(CounterDimension(rawValue: key.dimension))
                expected[CounterKey(fiscalYear: key.fiscalYear, dimension: dimension, key: key.key, kind: key.kind), default: 0] += 1
                if dimension == .month {
                    expected[CounterKey(fiscalYear: key.fiscalYear, dimension: .district, key: key.district, kind: key.kind), default: 0] += 1
                }
            }
        }
        let stored = try await store.dashboardCounters(fiscalYears: [2023, 2024, 2025], districts: Set(districts))
        #expect(stored == expected)
        // Summed over every 校区, the 校区 counters equal the city's counters.
        let city = try await store.counters(fiscalYears: [2023, 2024, 2025])
        #expect(stored == city)
        // Recounted from the display versions directly: visits, days with a visit or an activity, 連絡調整 (visits
        // with the action plus the count of 連絡調整 activities), consultations and その他の活動.
        var expectedMinsei: [String: [String: (visits: Int, days: Set<String>, liaison: Int, consultation: Int, other: Int)]] = [:]
        var liveMinseiVisits: [String: [Visit]] = [:]
        var liveMinseiActivities: [String: [Activity]] = [:]
        for (_, versions) in documents {
            guard let display = try VersionSet(versions).display, display.isLive else { continue }
            let (date, district, visitorId, role): (LocalDate, String, String, VisitorRole)
            switch display.payload {
            case let .visit(v): (date, district, visitorId, role) = (v.date, v.district, v.visitorId, v.visitorRole)
            case let .activity(a): (date, district, visitorId, role) = (a.date, a.district, a.visitorId, a.visitorRole)
            default: continue
            }
            guard role == .minseiIin else { continue }
            let who = "\(visitorId) \(district)"
            var entry = expectedMinsei[date.monthKey, default: [:]][who] ?? (0, [], 0, 0, 0)
            entry.days.insert(date.description)
            if let v = display.payload.visit {
                entry.visits += 1
                if v.actions.contains("liaison") { entry.liaison += 1 }
                if v.actions.contains("consultation") || v.consultationField != nil || !v.consultationTopics.isEmpty { entry.consultation += 1 }
                liveMinseiVisits[who, default: []].append(v)
            }
            if let a = display.payload.activity {
                if a.category == "liaison" { entry.liaison += a.count } else { entry.other += a.count }
                liveMinseiActivities[who, default: []].append(a)
            }
            expectedMinsei[date.monthKey, default: [:]][who] = entry
        }
        #expect(!liveMinseiActivities.isEmpty, "the history has activities")
        for (month, byWho) in expectedMinsei {
            let stored = try await store.minseiMonth(month, districts: Set(districts))
            let got = Dictionary(uniqueKeysWithValues: stored.map {
                ("\($0.visitorId) \($0.district)", [$0.visits, $0.activeDays, $0.liaison, $0.consultations, $0.report.otherActivities])
            })
            #expect(got == byWho.mapValues { [$0.visits, $0.days.count, $0.liaison, $0.consultation, $0.other] }, "\(month)")
            let parts = month.split(separator: "-").compactMap { Int($0) }
            for record in stored {
                let who = "\(record.visitorId) \(record.district)"
                let recount = MonthlyActivityReport.make(year: parts[0], month: parts[1], visitorId: record.visitorId,
                                                         visits: liveMinseiVisits[who] ?? [], activities: liveMinseiActivities[who] ?? [])
                #expect(record.report == recount, "\(month) \(record.visitorId)")
            }
        }
        for year in [2023, 2024, 2025] {
            let figures = try await store.programFigures(fiscalYear: year, districts: nil)
            #expect(figures.nichijiHolders == expectedHolders[year, default: []].count)
            #expect(figures.planEvents.filter { $0.value != 0 } == expectedPlans[year, default: [:]])
            #expect(try await store.programFigures(fiscalYear: year, districts: Set(districts)) == figures)
        }
        let conflicts = try await store.conflicts(districts: Set(districts), limit: 1000)
        #expect(Set(conflicts.map(\.documentId)) == expectedConflicts)
    }

    @Test("a database made before the dashboard is counted once when it is upgraded")
    func backfill() async throws {
        let fixture = try await DashboardFixture()
        let sqlite = try #require(fixture.store as? SQLiteSyncStore)
        try await Self.expectBackfill(of: fixture) {
            try await sqlite.writer.write { db in
                try db.execute(sql: "DROP TABLE district_counters; DROP TABLE conflicts; DROP TABLE replica_activity; DROP TABLE nichiji_holders; DROP TABLE minsei_activity; DROP TABLE minsei_days")
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'dashboard-v1'")
            }
            return try SQLiteSyncStore(writer: sqlite.writer)
        }
    }

    @Test("a PostgreSQL database made before the dashboard is counted once when it is upgraded (migration 2)",
          .enabled(if: TestPostgres.adminURL != nil, Comment(rawValue: TestPostgres.skipReason)))
    func postgresBackfill() async throws {
        let url = try await TestPostgres.freshDatabase()
        try await TestPostgres.withStore(url) { store in
            try await Self.expectBackfill(of: try await DashboardFixture(store: store)) {
                for table in ["district_counters", "conflicts", "replica_activity", "nichiji_holders", "minsei_activity", "minsei_days", "dashboard_sessions"] {
                    try await TestPostgres.execute("DROP TABLE \(table)", on: url)
                }
                try await TestPostgres.execute("DELETE FROM schema_version WHERE version >= 2", on: url)
                // The versions back in a table of their own, as migration 1 made it (migration 5 folds them into documents).
                try await TestPostgres.execute("""
                    CREATE TABLE versions (
                        document_id TEXT NOT NULL REFERENCES documents (document_id), dot_replica TEXT NOT NULL, dot_counter BIGINT NOT NULL,
                        version TEXT NOT NULL, PRIMARY KEY (document_id, dot_replica, dot_counter))
                    """, on: url)
                try await TestPostgres.execute("""
                    INSERT INTO versions (document_id, dot_replica, dot_counter, version)
                    SELECT d.document_id, v::json->'dot'->>'replica', (v::json->'dot'->>'counter')::bigint, v
                    FROM documents d, unnest(string_to_array(d.versions, chr(10))) v
                    """, on: url)
                try await TestPostgres.execute("ALTER TABLE documents DROP COLUMN versions", on: url)
                return try await PostgresSyncStore.connect(url)
            }
        }
    }

    /// Given the fixture's figures, when the dashboard's tables are dropped and `upgrade` rebuilds them, then
    /// the upgraded store shows the same figures.
    static func expectBackfill(of fixture: DashboardFixture, upgrade: () async throws -> any DashboardStore) async throws {
        let before = try await fixture.store.dashboardCounters(fiscalYears: [2024, 2025], districts: ["kyomachi", "nishimuta"])
        let conflictsBefore = try await fixture.store.conflicts(districts: ["kyomachi"], limit: 10)
        let programsBefore = try await fixture.store.programFigures(fiscalYear: 2025, districts: nil)
        let minseiBefore = try await fixture.store.minseiMonth("2025-10", districts: ["kyomachi"])
        #expect(minseiBefore.count == 1)
        #expect(programsBefore == ProgramFigures(planEvents: ["created": 1, "replanned": 1, "closed": 1], nichijiCheckins: 3, nichijiHolders: 2))
        let upgraded = try await upgrade()
        #expect(try await upgraded.dashboardCounters(fiscalYears: [2024, 2025], districts: ["kyomachi", "nishimuta"]) == before)
        #expect(try await upgraded.conflicts(districts: ["kyomachi"], limit: 10).map(\.documentId) == conflictsBefore.map(\.documentId))
        #expect(try await upgraded.programFigures(fiscalYear: 2025, districts: nil) == programsBefore)
        #expect(try await upgraded.minseiMonth("2025-10", districts: ["kyomachi"]) == minseiBefore)
        if let postgres = upgraded as? PostgresSyncStore { await postgres.shutdown() }
    }
}

/// SplitMix64: reproducible random histories.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Dashboard: serving")
struct DashboardServingTests {
    @Test("a laptop that only pulls shows a last contact and no push", arguments: StoreKind.available)
    func pullIsAContact(store kind: StoreKind) async throws {
        try await DashboardFixture.with(kind) { fixture in
        let puller = try await fixture.store.issueToken(role: .visitor, name: "篠山 pull only", districts: ["sasayama"])
        let app = buildApplication(ServerConfiguration(today: { DashboardFixture.today }), store: fixture.store)
        try await app.test(.router) { client in
            let response = try await client.changes(since: 0, token: puller, replica: "laptop-sasayama")
            #expect(response.status == .ok)
        }
        let laptop = try #require(try await fixture.store.laptops(districts: ["sasayama"]).first { $0.tokenId == puller.info.id })
        #expect(laptop.replicaId == "laptop-sasayama")
        #expect(laptop.lastContactAt != nil)
        #expect(laptop.lastPushAt == nil)
        #expect(laptop.refusedTotal == 0)
        }
    }

    @Test("serve's dashboard options name the option and what is accepted", arguments: [
        (["serve", "--dashboard-port", "70000"], "--dashboard-port"),
        (["serve", "--port", "8081"], "--dashboard-port"),
        (["serve", "--dashboard-port", "port"], "--dashboard-port"),
    ])
    func badServeArguments(arguments: [String], mentions: String) {
        let message = CommandTests.parseError(arguments)
        #expect(message?.contains(mentions) == true, "\(message ?? "parsed")")
    }

    @Test("serve accepts a dashboard port of its own, or none")
    func serveArguments() throws {
        let serve = try #require(try MimamoriServerCommand.parseAsRoot(["serve", "--dashboard-port", "9090", "--dashboard-behind-tls"]) as? ServeCommand)
        #expect(serve.dashboardPort == 9090)
        #expect(serve.dashboardBehindTLS)
        #expect(CommandTests.parseError(["serve", "--port", "8081", "--no-dashboard"]) == nil)
    }
}
