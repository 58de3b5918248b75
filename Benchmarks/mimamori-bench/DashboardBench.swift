import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MimamoriServer
import MimamoriShared

/// Times the dashboard's pages over loopback HTTP as a browser gets them: sign in through the form once,
/// then fetch the page (HTML), its JSON and a CSV with the session cookie.
struct DashboardBench {
    let base: URL
    let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    /// Signs in with the token and returns the session cookie.
    func signIn(_ token: IssuedToken) async throws -> String {
        var request = URLRequest(url: base.appendingPathComponent("login"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("token=\(token.secret)".utf8)
        let (_, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse, http.statusCode == 303,
              let cookie = http.value(forHTTPHeaderField: "Set-Cookie")?.split(separator: ";").first
        else { throw BenchFailure("dashboard sign-in failed: \(response)") }
        return String(cookie)
    }

    /// Median and maximum milliseconds of `runs` fetches of `path`, and the last body.
    func time(_ path: String, cookie: String, runs: Int = 30) async throws -> (median: Double, max: Double, body: String) {
        var times: [Double] = []
        var body = Data()
        for _ in 0..<runs {
            var request = URLRequest(url: URL(string: base.absoluteString + path)!)
            request.setValue(cookie, forHTTPHeaderField: "Cookie")
            let t = ContinuousClock.now
            let (data, response) = try await session.data(for: request)
            times.append((ContinuousClock.now - t).milliseconds)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw BenchFailure("GET \(path) answered \(response)") }
            body = data
        }
        return (median(times), times.max()!, String(decoding: body, as: UTF8.self))
    }

    /// Adds the page times of a coordinator and an office to the report.
    static func measure(store: any DashboardStore, coordinator: IssuedToken, office: IssuedToken, visits: Int, label: String = "",
                        report: inout Report) async throws {
        let configuration = DashboardConfiguration(host: "127.0.0.1", port: 0, today: { LocalDate("2026-03-31")! })
        report = try await withRunningDashboard(configuration, store: store) { [report] base in
            var report = report
            let bench = DashboardBench(base: base)
            for (role, token) in [("coordinator", coordinator), ("office", office)] {
                let cookie = try await bench.signIn(token)
                for path in ["/dashboard?fy=2025", "/dashboard.json?fy=2025", "/csv/districts.csv?fy=2025"] {
                    let t = try await bench.time(path, cookie: cookie)
                    report.add("\(label)dashboard \(role) GET \(path) (HTTP) at \(visits.formatted()) visits",
                               String(format: "%.2f ms median, %.2f ms max (%d bytes)", t.median, t.max, t.body.utf8.count))
                }
            }
            return report
        }
    }
}
