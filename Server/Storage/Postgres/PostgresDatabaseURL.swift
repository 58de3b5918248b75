import Foundation

/// Where a PostgreSQL database is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, parsed once at start-up.
/// Every malformed part is refused with the part named and what is accepted; nothing here can trap.
public struct PostgresDatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String

    public init(user: String, password: String? = nil, host: String, port: Int = 5432, database: String) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
    }

    /// The URL without its password: what logs and messages may show.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    public struct Invalid: Error, LocalizedError, Sendable, Hashable {
        public let message: String
        public var errorDescription: String? { message }
    }

    static let example = "postgres://mimamori@127.0.0.1:5432/mimamori"

    public init(parsing text: String) throws {
        func invalid(_ why: String) -> Invalid {
            Invalid(message: "\(why); accepted: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, e.g. \(Self.example)")
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
        if let query = components.queryItems, !query.isEmpty {
            let names = query.map(\.name).joined(separator: ", ")
            throw invalid("query parameters (\(names)) are not supported: the connection is made without TLS, so keep PostgreSQL on a private network")
        }
        self.init(user: user.removingPercentEncoding ?? user,
                  password: components.password.map { $0.removingPercentEncoding ?? $0 },
                  host: host, port: port, database: database.removingPercentEncoding ?? database)
    }
}
