import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import Testing

@Suite("PostgreSQL database URL")
struct PostgresDatabaseURLTests {
    @Test("a full URL is read part by part; the password never shows in its description")
    func parses() throws {
        let url = try PostgresDatabaseURL(parsing: "postgres://mimamori:s%40cret@db.example.org:6543/mimamori_prod")
        #expect(url == PostgresDatabaseURL(user: "mimamori", password: "s@cret", host: "db.example.org", port: 6543, database: "mimamori_prod"))
        #expect(url.description == "postgres://mimamori@db.example.org:6543/mimamori_prod")
        #expect(try PostgresDatabaseURL(parsing: "postgresql://u@h/d").port == 5432)
    }

    @Test("a malformed URL is refused saying what is wrong and what is accepted, never a trap",
          arguments: ["", "mysql://u@h/d", "postgres://h/d", "postgres://u@/d", "postgres://u@h", "postgres://u@h/",
                      "postgres://u@h:0/d", "postgres://u@h:99999/d", "postgres://u@h/d?sslmode=require", "postgres://u@h/a/b",
                      "postgres://u@h:port/d", "postgres:/u@h/d", "postgres://u@[::1/d", "postgres://\u{0}@h/d"])
    func refuses(text: String) {
        #expect {
            try PostgresDatabaseURL(parsing: text)
        } throws: { error in
            let message = (error as? PostgresDatabaseURL.Invalid)?.message ?? ""
            return message.contains("accepted: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
    }

    @Test("serve and token refuse a malformed --database or MIMAMORI_DATABASE_URL naming which one")
    func commandLine() throws {
        #expect {
            try ServeCommand.parse(["--database", "postgres://nobody"])
        } throws: { error in
            ServeCommand.message(for: error).contains("--database:")
        }
        var options = try DataDirectoryOptions.parse([])
        #expect(try options.location(environment: [:]) == .sqlite(directory: options.url))
        #expect(try options.location(environment: ["MIMAMORI_DATABASE_URL": "postgres://u@h/d"])
                == .postgres(PostgresDatabaseURL(user: "u", host: "h", database: "d")))
        #expect {
            try options.location(environment: ["MIMAMORI_DATABASE_URL": "sqlite:///x"])
        } throws: { error in
            "\(error)".contains("MIMAMORI_DATABASE_URL:")
        }
        options.database = "postgres://a@b/c"
        #expect(try options.location(environment: ["MIMAMORI_DATABASE_URL": "postgres://u@h/d"])
                == .postgres(PostgresDatabaseURL(user: "a", host: "b", database: "c")), "the option wins over the environment")
    }
}

@Suite("PostgreSQL store", .enabled(if: TestPostgres.adminURL != nil, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresStoreTests {
    @Test("migrations create the schema once, record it in schema_version, and a newer schema is refused")
    func migrations() async throws {
        let database = try await TestPostgres.freshDatabase()
        // Two servers starting together on an empty database: one migrates, both run.
        async let first = PostgresSyncStore.connect(database)
        async let second = PostgresSyncStore.connect(database)
        let (a, b) = try await (first, second)
        #expect(try await a.epoch() == (try await b.epoch()))
        await a.shutdown()
        await b.shutdown()

        try await TestPostgres.execute("INSERT INTO schema_version (version, name) VALUES (99, 'from a newer server')", on: database)
        await #expect {
            _ = try await PostgresSyncStore.connect(database)
        } throws: { error in
            error.localizedDescription.contains("schema version 99, newer than this server knows (2)")
        }
    }

    @Test("health says whether the database answers: 200 with the epoch, then 503 once it is gone")
    func health() async throws {
        let database = try await TestPostgres.freshDatabase()
        try await TestPostgres.withStore(database) { store in
            let app = buildApplication(ServerConfiguration(), store: store)
            try await app.test(.router) { client in
                let up = try await client.send(.get, API.healthPath, token: nil)
                #expect(up.status == .ok)
                #expect(try up.decode(HealthResponse.self).epoch == (try await store.epoch()))

                try await TestPostgres.execute("DROP DATABASE \(database.database) WITH (FORCE)")
                let down = try await client.send(.get, API.healthPath, token: nil)
                #expect(down.status == .serviceUnavailable)
                #expect(try down.error().code == "database_unavailable")
            }
        }
    }

    @Test("a wrong database name is reported in PostgreSQL's words, without the password")
    func unreachable() async throws {
        var url = try #require(TestPostgres.adminURL)
        url.database = "no_such_database"
        url.password = "hunter2"
        await #expect {
            _ = try await PostgresSyncStore.connect(url, timeout: .seconds(5))
        } throws: { error in
            let message = error.localizedDescription
            return message.contains("\"no_such_database\" does not exist") && !message.contains("hunter2")
        }
    }
}
