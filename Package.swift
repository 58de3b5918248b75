// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Mimamori",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "MimamoriShared", targets: ["MimamoriShared"]),
        .library(name: "MimamoriClient", targets: ["MimamoriClient"]),
        .library(name: "MimamoriServer", targets: ["MimamoriServer"]),
        .executable(name: "mimamori", targets: ["mimamori"]),
        .executable(name: "mimamori-server", targets: ["mimamori-server"]),
        .executable(name: "mimamori-bench", targets: ["mimamori-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        // Records, code lists, validation, calendar, indicator, version vectors, merge, wire types.
        // Foundation only, so that client and server share one definition of everything they exchange.
        .target(name: "MimamoriShared", path: "Shared"),
        // Binding rows straight to SQLite's C API (no `StatementArguments` per row), for the laptop's pulled groups
        // and the server's pushes alike.
        .target(
            name: "MimamoriSQLite",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")],
            path: "Sources/MimamoriSQLite"
        ),
        .target(
            name: "MimamoriClient",
            dependencies: [
                "MimamoriShared",
                .product(name: "GRDB", package: "GRDB.swift"),
                "MimamoriSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Client"
        ),
        .target(
            name: "MimamoriServer",
            dependencies: [
                "MimamoriShared",
                .product(name: "GRDB", package: "GRDB.swift"),
                "MimamoriSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Server"
        ),
        .executableTarget(name: "mimamori", dependencies: ["MimamoriClient"], path: "Sources/mimamori"),
        .executableTarget(name: "mimamori-server", dependencies: ["MimamoriServer"], path: "Sources/mimamori-server"),
        .executableTarget(
            name: "mimamori-bench",
            dependencies: [
                "MimamoriShared", "MimamoriClient", "MimamoriServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                // `--postgres`: PostgreSQL's own ceiling is measured on a plain connection.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // `--sealing`: the laptop's AEAD choices measured side by side.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/mimamori-bench"
        ),
        .testTarget(name: "SharedTests", dependencies: ["MimamoriShared"]),
        .testTarget(
            name: "ClientTests",
            dependencies: ["MimamoriClient", "MimamoriShared", .product(name: "GRDB", package: "GRDB.swift")],
            // A laptop database made by the v1 release, read by the migration tests through #filePath.
            exclude: ["Fixtures"]
        ),
        // What the server and end-to-end suites share: the stores they run against (SQLite, and PostgreSQL when
        // MIMAMORI_TEST_POSTGRES_URL names a cluster).
        .target(
            name: "MimamoriTestSupport",
            dependencies: ["MimamoriServer", "MimamoriShared", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "MimamoriServer", "MimamoriShared", "MimamoriTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // The hostile-input corpus compares the database byte for byte before and after each request.
                .product(name: "GRDB", package: "GRDB.swift"),
                // The TLS settings a PostgreSQL URL's sslmode stands for.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["Browser"]  // the headless-Chromium driver of DashboardBrowserTests
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "MimamoriClient", "MimamoriServer", "MimamoriShared", "MimamoriTestSupport",
                // A hostile server for the laptop's transport (redirects, endless replies, silence).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
