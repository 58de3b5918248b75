import Foundation
import MimamoriServer
import MimamoriShared
import Logging
import PostgresNIO

/// A store tests can also look into (both stores serve the dashboard too).
public protocol InspectableStore: DashboardStore {
    func allDocuments() async throws -> [String: [Version]]
}

extension SQLiteSyncStore: InspectableStore {}
extension PostgresSyncStore: InspectableStore {}

/// The two stores the suites run against: SQLite always; PostgreSQL when MIMAMORI_TEST_POSTGRES_URL names a
/// cluster (`.ci/with-postgres swift test` starts a private one; `.ci/run` does).
public enum StoreKind: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    public static let available: [StoreKind] = TestPostgres.adminURL == nil ? [.sqlite] : [.sqlite, .postgres]

    /// A fresh store of this kind for `body`: in-memory SQLite, or a new database on the test cluster.
    public func withStore<T: Sendable>(_ body: @Sendable (any InspectableStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await body(SQLiteSyncStore.inMemory())
        case .postgres:
            return try await TestPostgres.withStore { try await body($0) }
        }
    }
}

public enum TestPostgres {
    public static let variable = "MIMAMORI_TEST_POSTGRES_URL"

    /// The test cluster's admin URL, or nil (and a note saying the PostgreSQL tests are skipped).
    public static let adminURL: PostgresDatabaseURL? = {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else {
            FileHandle.standardError.write(Data("note: PostgreSQL tests SKIPPED: \(variable) is not set; run `.ci/with-postgres swift test` to include them\n".utf8))
            return nil
        }
        do {
            return try PostgresDatabaseURL(parsing: text)
        } catch {
            FileHandle.standardError.write(Data("note: PostgreSQL tests SKIPPED: \(variable): \(error.localizedDescription)\n".utf8))
            return nil
        }
    }()

    public static let skipReason = "PostgreSQL tests need MIMAMORI_TEST_POSTGRES_URL; run `.ci/with-postgres swift test`"

    /// How long a test's store may take to connect and migrate: far more than the server's 15 s, because the
    /// suites connect dozens of stores at once on a machine that may be busy with other builds (at a load of 14
    /// on two cores, 15 s was seen to run out); still bounded, so a dead cluster fails the tests, not CI.
    public static let connectTimeout: Duration = .seconds(60)

    /// A new, empty database on the test cluster.
    public static func freshDatabase() async throws -> PostgresDatabaseURL {
        guard let admin = adminURL else { throw Unavailable() }
        return try await PostgresSyncStore.createDatabase("mimamori_test_" + UUID().uuidString.lowercased().filter { $0 != "-" }, at: admin)
    }

    public static func withStore<T: Sendable>(_ url: PostgresDatabaseURL? = nil, _ body: @Sendable (PostgresSyncStore) async throws -> T) async throws -> T {
        let url = if let url { url } else { try await freshDatabase() }
        let store = try await PostgresSyncStore.connect(url, timeout: connectTimeout)
        do {
            let result = try await body(store)
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw error
        }
    }

    /// Runs one SQL statement on `database` of the test cluster (the admin database when nil), as its superuser.
    public static func execute(_ sql: String, on database: PostgresDatabaseURL? = nil) async throws {
        guard let target = database ?? adminURL else { throw Unavailable() }
        let connection = try await PostgresConnection.connect(
            configuration: try target.connectionConfiguration(), id: 1, logger: Logger(label: "mimamori-tests"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "mimamori-tests"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Whether a connection made as `url` says (PostgreSQL's own `pg_stat_ssl`) that it runs over TLS.
    public static func connectsOverTLS(_ url: PostgresDatabaseURL) async throws -> Bool {
        let logger = Logger(label: "mimamori-tests")
        let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 2, logger: logger)
        do {
            var tls = false
            for try await ssl in try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger).decode(Bool.self) {
                tls = ssl
            }
            try await connection.close()
            return tls
        } catch {
            try? await connection.close()
            throw error
        }
    }

    public struct Unavailable: Error, LocalizedError {
        public var errorDescription: String? { "no PostgreSQL test cluster: set \(TestPostgres.variable)" }
    }
}
