import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MimamoriServer
import MimamoriShared
import Testing

/// The dashboard in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run` installs) signs in
/// through the form with a coordinator's and an office's token on a live server over the seeded store, and
/// the rendered DOM — loaded with JavaScript off — must show the figures. Screenshots and A4 PDFs are kept in
/// `.build/test-output/dashboard/` for a person to look at.
@Suite("Dashboard in headless Chromium")
struct DashboardBrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let output = packageRoot.appendingPathComponent(".build/test-output/dashboard")

    struct DriverResult: Decodable {
        struct Account: Decodable {
            let path: String
            let loginError: String
            let cookieVisibleToScript: String
            let dom: String
            let csv: [String: String]
        }
        let accounts: [String: Account]?
        let error: String?
    }

    @Test("coordinator and office sign in, see their figures without JavaScript, and nothing personal reaches the coordinator")
    func browser() async throws {
        let fixture = try await DashboardFixture()
        let app = Application(router: buildDashboardRouter(fixture.configuration, store: fixture.store),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let input: [String: Any] = [
                "base": "http://127.0.0.1:\(port)", "out": Self.output.path,
                "accounts": [
                    ["name": "coordinator", "token": fixture.coordinator.secret, "csv": DashboardController.coordinatorTables],
                    ["name": "office", "token": fixture.office.secret, "csv": ["districts", "laptops", "conflicts"]],
                ],
            ]
            let result = try await Self.runDriver(input)
            if let error = result.error { Issue.record("\(error)"); return }
            let accounts = try #require(result.accounts)

            let coordinator = try #require(accounts["coordinator"])
            #expect(coordinator.path == "/dashboard")
            #expect(coordinator.loginError.contains("トークンが正しくありません"))
            #expect(coordinator.cookieVisibleToScript.isEmpty, "the session cookie must be HttpOnly")
            let dom = coordinator.dom
            #expect(dom.contains("生活支援コーディネーターのダッシュボード"))
            #expect(dom.contains("<span class=\"count\">5件</span>"))
            #expect(dom.contains("296,000件"))
            #expect(dom.contains("172,667件"))
            #expect(dom.contains("令和7年度（2025年度）"))
            #expect(dom.contains("<svg"))
            for (_, name) in KurumeDistricts.all { #expect(dom.contains("<td>\(name)</td>")) }
            for secret in DashboardFixture.secrets + [fixture.coordinator.secret] {
                #expect(!dom.contains(secret), "\(secret) reached the coordinator's page")
            }
            #expect(coordinator.csv.count == DashboardController.coordinatorTables.count)
            for (name, encoded) in coordinator.csv {
                let bytes = try #require(Data(base64Encoded: encoded), "\(name).csv")
                #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(name).csv has no BOM")
                let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                #expect(text.contains("\r\n"))
                for secret in DashboardFixture.secrets { #expect(!text.contains(secret), "\(secret) in \(name).csv") }
            }

            let office = try #require(accounts["office"])
            #expect(office.path == "/dashboard")
            #expect(office.dom.contains("地区事務所の報告"))
            #expect(office.dom.contains("<span class=\"count\">3件</span>"))
            #expect(office.dom.contains("京町 山田さんのPC"))
            #expect(office.dom.contains("<td>v2</td>"))
            let conflicts = String(decoding: (Data(base64Encoded: office.csv["conflicts"] ?? "") ?? Data()).dropFirst(3), as: UTF8.self)
            #expect(conflicts.contains("\"v2\",\"京町\""))

            for name in ["coordinator", "office", "coordinator-login-error"] {
                #expect(FileManager.default.fileExists(atPath: Self.output.appendingPathComponent("\(name).png").path))
            }
            for name in ["coordinator", "office"] {
                let pdf = try Data(contentsOf: Self.output.appendingPathComponent("\(name).pdf"))
                #expect(pdf.starts(with: Array("%PDF".utf8)))
            }
        }
    }

    /// Runs the Python driver with `input` on stdin (so tokens are in no command line) and decodes its output.
    static func runDriver(_ input: [String: Any]) async throws -> DriverResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot.appendingPathComponent("Tests/ServerTests/Browser/dashboard_browser.py").path]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        try stdin.fileHandleForWriting.write(contentsOf: JSONSerialization.data(withJSONObject: input))
        try stdin.fileHandleForWriting.close()
        // Read on another thread while the server keeps answering the browser on this one's executor.
        let data = try await Task.detached { try stdout.fileHandleForReading.readToEnd() ?? Data() }.value
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DriverFailure(message: "the browser driver exited \(process.terminationStatus): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONDecoder().decode(DriverResult.self, from: data)
    }

    struct DriverFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
