import AsyncHTTPClient
import Foundation

/// The proxy an office's network may require, from the environment variables every command-line tool reads:
/// `https_proxy`/`HTTPS_PROXY` for an https:// server, `http_proxy` for an http:// one (not `HTTP_PROXY`, which a
/// CGI environment lets a request set), `no_proxy`/`NO_PROXY` for hosts reached directly (`.example.jp` and
/// `example.jp` both cover its subdomains; `*` all). The token travels inside the TLS tunnel an https proxy opens,
/// never readable by the proxy.
enum ProxySetting {
    static func proxy(for url: URL, environment: [String: String]) throws -> HTTPClient.Configuration.Proxy? {
        guard let host = url.host?.lowercased(), !bypassed(host, noProxy: environment["no_proxy"] ?? environment["NO_PROXY"]) else {
            return nil
        }
        let names = url.scheme?.lowercased() == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy"]
        guard let name = names.first(where: { !(environment[$0] ?? "").isEmpty }), let value = environment[name] else { return nil }
        let text = value.contains("://") ? value : "http://" + value
        guard let parts = URLComponents(string: text), parts.scheme?.lowercased() == "http",
              let proxyHost = parts.host, !proxyHost.isEmpty, parts.path.isEmpty || parts.path == "/",
              parts.query == nil, parts.fragment == nil else {
            throw ClientError.badProxy(variable: name)
        }
        let port = parts.port ?? 80
        guard (1...65535).contains(port) else { throw ClientError.badProxy(variable: name) }
        let authorization = parts.user.map {
            HTTPClient.Authorization.basic(username: $0.removingPercentEncoding ?? $0,
                                           password: parts.password.flatMap { $0.removingPercentEncoding } ?? "")
        }
        return .server(host: proxyHost, port: port, authorization: authorization)
    }

    static func bypassed(_ host: String, noProxy: String?) -> Bool {
        guard let noProxy else { return false }
        for entry in noProxy.split(separator: ",") {
            var domain = entry.trimmingCharacters(in: .whitespaces).lowercased()
            if domain == "*" { return true }
            if domain.hasPrefix(".") { domain.removeFirst() }
            // `host:port` names the host (an IPv6 address has more than one colon and is taken whole).
            if let colon = domain.firstIndex(of: ":"), domain.lastIndex(of: ":") == colon { domain = String(domain[..<colon]) }
            if !domain.isEmpty && (host == domain || host.hasSuffix("." + domain)) { return true }
        }
        return false
    }
}
