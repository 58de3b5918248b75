import ArgumentParser
import Foundation
import Logging

/// Which database a command uses: the SQLite file in --data-dir (the default), or a PostgreSQL database given
/// by --database or, failing that, MIMAMORI_DATABASE_URL. Read once, when the command starts.
public enum DatabaseLocation: Sendable, Hashable {
    case sqlite(directory: URL)
    case postgres(PostgresDatabaseURL)
}

extension DataDirectoryOptions {
    public static let databaseURLVariable = "MIMAMORI_DATABASE_URL"

    /// The database named by the options, else by the environment, else the SQLite one in --data-dir.
    public func location(environment: [String: String]) throws -> DatabaseLocation {
        let (text, source): (String?, String) = database.map { ($0, "--database") }
            ?? (environment[Self.databaseURLVariable].flatMap { $0.isEmpty ? nil : $0 }, Self.databaseURLVariable)
        guard let text else { return .sqlite(directory: url) }
        do {
            return .postgres(try PostgresDatabaseURL(parsing: text))
        } catch let error as PostgresDatabaseURL.Invalid {
            throw ValidationError("\(source): \(error.message)")
        }
    }

    /// Opens the store, runs `body` with it and a description safe to log (no password), then closes it.
    public func withStore<T: Sendable>(logger: Logger = Logger(label: "mimamori-server"),
                                       _ body: (any DashboardStore, String) async throws -> T) async throws -> T {
        switch try location(environment: ProcessInfo.processInfo.environment) {
        case .sqlite:
            let store = try openStore()
            return try await body(store, url.appendingPathComponent(SQLiteSyncStore.fileName).path)
        case let .postgres(databaseURL):
            let store: PostgresSyncStore
            do {
                store = try await PostgresSyncStore.connect(databaseURL, logger: logger)
            } catch {
                throw CommandFailure(error.localizedDescription)
            }
            do {
                let result = try await body(store, databaseURL.description)
                await store.shutdown()
                return result
            } catch {
                await store.shutdown()
                throw error
            }
        }
    }
}
