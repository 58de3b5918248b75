import Foundation

/// Where a PostgreSQL database is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE[&sslrootcert=FILE]]`,
/// parsed once at start-up. Every malformed part is refused with the part named and what is accepted; nothing
/// here can trap.
public struct PostgresDatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert`: a PEM file of the certificate authorities to trust for `verify-full` instead of the system's.
    public var sslRootCertificate: String?

    /// libpq's `sslmode`, the values that keep their promise here. `prefer` and `allow` are refused: they fall
    /// back to plain text when the server offers no TLS, so they protect nothing from an attacker on the path;
    /// `verify-ca` is refused because it checks the authority but not the host name.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS (the default, as without `sslmode`): for PostgreSQL on the same host or a private network.
        case disable
        /// TLS or no connection, without checking the server's certificate: protects from listening, not from
        /// a machine that impersonates the server.
        case require
        /// TLS or no connection, the certificate checked against the trusted authorities and the host name.
        case verifyFull = "verify-full"
    }

    public init(user: String, password: String? = nil, host: String, port: Int = 5432, database: String,
                sslMode: SSLMode = .disable, sslRootCertificate: String? = nil) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.sslMode = sslMode
        self.sslRootCertificate = sslRootCertificate
    }

    /// The URL without its password: what logs and messages may show.
    public var description: String {
        var query = sslMode == .disable ? [] : ["sslmode=\(sslMode.rawValue)"]
        if let sslRootCertificate { query.append("sslrootcert=\(sslRootCertificate)") }
        return "postgres://\(user)@\(host):\(port)/\(database)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    public struct Invalid: Error, LocalizedError, Sendable, Hashable {
        public let message: String
        public var errorDescription: String? { message }
    }

    static let example = "postgres://mimamori@127.0.0.1:5432/mimamori"

    public init(parsing text: String) throws {
        func invalid(_ why: String) -> Invalid {
            Invalid(message: "\(why); accepted: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require|verify-full], e.g. \(Self.example)")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw invalid("the database URL contains a control character")
        }
        let scheme = text.prefix { $0 != ":" }.lowercased()
        guard scheme == "postgres" || scheme == "postgresql", text.dropFirst(scheme.count).hasPrefix("://") else {
            throw invalid("the database URL must start with postgres://")
        }
        guard let components = URLComponents(string: text) else { throw invalid("the database URL is not a valid URL") }
        guard let user = components.user, !user.isEmpty else { throw invalid("the database URL names no user") }
        guard let host = components.host, !host.isEmpty else { throw invalid("the database URL names no host") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("port \(port) is out of range 1–65535") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw invalid("the database URL names no database after the host") }
        var sslMode = SSLMode.disable
        var rootCertificate: String?
        let modes = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
        var seen: Set<String> = []
        for item in components.queryItems ?? [] {
            guard seen.insert(item.name).inserted else { throw invalid("the query parameter \(item.name) is given twice") }
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw invalid("sslmode '\(value)' is not supported; accepted sslmode: \(modes) (prefer, allow and verify-ca are refused: they fall back to plain text or skip the host name check)")
                }
                sslMode = mode
            case "sslrootcert":
                guard !value.isEmpty else { throw invalid("sslrootcert names no file; give the path of a PEM file of trusted authorities") }
                rootCertificate = value
            default:
                throw invalid("the query parameter '\(item.name)' is not supported; accepted parameters: sslmode (\(modes)) and sslrootcert (a PEM file, with sslmode=verify-full)")
            }
        }
        if rootCertificate != nil && sslMode != .verifyFull {
            throw invalid("sslrootcert is only used with sslmode=verify-full; add sslmode=verify-full or leave sslrootcert out")
        }
        self.init(user: user.removingPercentEncoding ?? user,
                  password: components.password.map { $0.removingPercentEncoding ?? $0 },
                  host: host, port: port, database: database.removingPercentEncoding ?? database,
                  sslMode: sslMode, sslRootCertificate: rootCertificate)
    }
}
