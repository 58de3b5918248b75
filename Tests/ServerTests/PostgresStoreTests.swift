import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MimamoriServer
import MimamoriShared
import MimamoriTestSupport
import NIOSSL
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
                      "postgres://u@h:0/d", "postgres://u@h:99999/d", "postgres://u@h/a/b",
                      "postgres://u@h:port/d", "postgres:/u@h/d", "postgres://u@[::1/d", "postgres://\u{0}@h/d"])
    func refuses(text: String) {
        #expect {
            try PostgresDatabaseURL(parsing: text)
        } throws: { error in
            let message = (error as? PostgresDatabaseURL.Invalid)?.message ?? ""
            return message.contains("accepted: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
    }

    @Test("sslmode disable, require and verify-full are read (with sslrootcert for verify-full) and shown without the password")
    func sslModes() throws {
        #expect(try PostgresDatabaseURL(parsing: "postgres://u@h/d").sslMode == .disable)
        #expect(try PostgresDatabaseURL(parsing: "postgres://u@h/d").tlsConfiguration() == nil)
        let required = try PostgresDatabaseURL(parsing: "postgres://u:pw@h/d?sslmode=require")
        #expect(required.sslMode == .require)
        #expect(required.description == "postgres://u@h:5432/d?sslmode=require")
        #expect(try required.tlsConfiguration()?.certificateVerification == NIOSSL.CertificateVerification.none)
        let verified = try PostgresDatabaseURL(parsing: "postgres://u@db.example.org/d?sslmode=verify-full")
        #expect(try verified.tlsConfiguration()?.certificateVerification == .fullVerification)
        let withRoot = try PostgresDatabaseURL(parsing: "postgres://u@h/d?sslmode=verify-full&sslrootcert=/etc/ssl/city-ca.pem")
        #expect(withRoot.sslRootCertificate == "/etc/ssl/city-ca.pem")
        #expect {
            try withRoot.tlsConfiguration()
        } throws: { error in
            "\(error.localizedDescription)".contains("sslrootcert: cannot read the certificates in '/etc/ssl/city-ca.pem'")
        }
    }

    @Test("an sslmode that would fall back to plain text or skip the host name check is refused, naming the accepted ones",
          arguments: ["prefer", "allow", "verify-ca", "REQUIRE", "", "on"])
    func refusesSSLMode(mode: String) {
        #expect {
            try PostgresDatabaseURL(parsing: "postgres://u@h/d?sslmode=\(mode)")
        } throws: { error in
            let message = (error as? PostgresDatabaseURL.Invalid)?.message ?? ""
            return message.contains("sslmode '\(mode)' is not supported; accepted sslmode: disable, require, verify-full")
        }
    }

    @Test("other query parameters, a repeated one, or sslrootcert without verify-full are refused, saying why",
          arguments: [("postgres://u@h/d?connect_timeout=5", "the query parameter 'connect_timeout' is not supported"),
                      ("postgres://u@h/d?sslmode=require&sslmode=disable", "the query parameter sslmode is given twice"),
                      ("postgres://u@h/d?sslmode=require&sslrootcert=/ca.pem", "sslrootcert is only used with sslmode=verify-full"),
                      ("postgres://u@h/d?sslmode=verify-full&sslrootcert=", "sslrootcert names no file")])
    func refusesParameters(text: String, why: String) {
        #expect {
            try PostgresDatabaseURL(parsing: text)
        } throws: { error in
            ((error as? PostgresDatabaseURL.Invalid)?.message ?? "").contains(why)
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
        async let first = PostgresSyncStore.connect(database, timeout: TestPostgres.connectTimeout)
        async let second = PostgresSyncStore.connect(database, timeout: TestPostgres.connectTimeout)
        let (a, b) = try await (first, second)
        #expect(try await a.epoch() == (try await b.epoch()))
        await a.shutdown()
        await b.shutdown()

        try await TestPostgres.execute("INSERT INTO schema_version (version, name) VALUES (99, 'from a newer server')", on: database)
        await #expect {
            _ = try await PostgresSyncStore.connect(database, timeout: TestPostgres.connectTimeout)
        } throws: { error in
            error.localizedDescription.contains("schema version 99, newer than this server knows (6)")
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

    @Test("sslmode=require to a PostgreSQL without TLS is refused at start-up, saying so, not sent in plain text")
    func tlsRequiredButNotOffered() async throws {
        var url = try #require(TestPostgres.adminURL)
        url.sslMode = .require
        await #expect {
            _ = try await PostgresSyncStore.connect(url, timeout: .seconds(10))
        } throws: { error in
            error.localizedDescription.contains("the server does not offer TLS, and the URL's sslmode requires it")
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

@Suite("PostgreSQL over TLS", .enabled(if: RestartableCluster.script != nil, Comment(rawValue: RestartableCluster.skipReason)))
struct PostgresTLSTests {
    @Test("verify-full with the authority's certificate runs the store over TLS; require encrypts without checking; verify-full against an authority not trusted is refused")
    func tls() async throws {
        // Given: a cluster of its own serving TLS, its certificate signed by a throw-away authority.
        let cluster = try await RestartableCluster.start("tls-\(UUID().uuidString.prefix(8).lowercased())", tls: true)
        var verified = cluster.admin
        verified.sslMode = .verifyFull
        verified.sslRootCertificate = try #require(cluster.authority)

        // Then: verify-full trusting that authority connects, over TLS (PostgreSQL's own pg_stat_ssl says so) …
        #expect(try await TestPostgres.connectsOverTLS(verified))
        // … and the store's pool runs over the same settings, from a database created through them.
        let database = try await PostgresSyncStore.createDatabase("mimamori_tls", at: verified)
        try await TestPostgres.withStore(database) { store in
            let token = try await store.issueToken(role: .admin, name: "Admin", districts: [])
            #expect(try await store.token(secret: token.secret)?.id == token.info.id)
        }
        // require encrypts without checking the certificate.
        var required = cluster.admin
        required.sslMode = .require
        #expect(try await TestPostgres.connectsOverTLS(required))
        // verify-full with the system's authorities, which never signed this certificate, is refused at start-up.
        var untrusted = database
        untrusted.sslRootCertificate = nil
        await #expect {
            _ = try await PostgresSyncStore.connect(untrusted, timeout: .seconds(10))
        } throws: { error in
            let message = error.localizedDescription
            return message.contains("cannot use the PostgreSQL database") && message.lowercased().contains("certificate")
        }
        try? await cluster.stop()
    }
}
