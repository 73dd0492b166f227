// swift-tools-version:6.1
import PackageDescription

// Compiler settings shared by every target: explicit existentials keep protocol costs visible.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "StockCart",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stockcart", targets: ["stockcart"]),
        .executable(name: "rulebook-bench", targets: ["RuleBookBench"]),
        .executable(name: "latency-bench", targets: ["LatencyBench"]),
        .executable(name: "ws-bench", targets: ["WebSocketBench"]),
        .executable(name: "smartstream-bench", targets: ["SmartStreamBench"]),
        .executable(name: "fake-venues", targets: ["FakeVenuesServer"]),
        .executable(name: "indicator-bench", targets: ["IndicatorBench"]),
        .executable(name: "backtest-bench", targets: ["BacktestBench"]),
    ],
    dependencies: [
        // MARK: - server
        .package(url: "https://github.com/vapor/vapor.git", from: "4.110.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.12.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.8.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.10.0"),
        .package(url: "https://github.com/vapor/jwt.git", from: "5.0.0"),
        // MARK: - operations
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        // MARK: - data structures
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        // MARK: - cryptography (HMAC for TOTP; credentials at rest)
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        // MARK: - outside venues (HTTP client for SmartAPI and Yahoo)
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.20.0"),
        .package(url: "https://github.com/vapor/websocket-kit.git", from: "2.15.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
        // MARK: - TLS for the server's own listener (TLS_CERT, TLS_KEY)
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
    ],
    targets: [
        // MARK: - domain (pure: no I/O, no clocks, no frameworks)
        .target(name: "TradingCore", swiftSettings: strictSettings),

        // MARK: - adapters
        .target(
            name: "Persistence",
            dependencies: [
                "TradingCore",
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "MarketData", dependencies: ["TradingCore"], swiftSettings: strictSettings),
        // Angel One SmartAPI: TOTP, REST client and session, SmartStream frames and feed (its broker follows).
        .target(
            name: "AngelOne",
            dependencies: [
                "TradingCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WebSocketKit", package: "websocket-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Yahoo Finance: the chart API client, a polling quote feed and history for the candle store.
        .target(
            name: "Yahoo",
            dependencies: [
                "TradingCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Brokers",
            dependencies: ["TradingCore", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: strictSettings
        ),

        // MARK: - orchestration
        .target(
            name: "Engine",
            dependencies: ["TradingCore", "Brokers", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        // MARK: - HTTP / WebSocket surface and composition root
        .target(
            name: "API",
            dependencies: [
                "TradingCore", "Persistence", "MarketData", "Brokers", "Engine", "AngelOne", "Yahoo",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "JWT", package: "jwt"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "stockcart",
            dependencies: ["API", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        // Release-mode micro-benchmark of the rule book (`make bench`); depends on the pure core only.
        .executableTarget(name: "RuleBookBench", dependencies: ["TradingCore"], swiftSettings: strictSettings),
        // Release-mode end-to-end latency benchmark (`make bench-latency`): tick → commit → WebSocket.
        .executableTarget(
            name: "LatencyBench",
            dependencies: ["API", "AngelOne", "FakeVenues", "MarketData", "Persistence", "TradingCore",
                           .product(name: "Vapor", package: "vapor")],
            swiftSettings: strictSettings
        ),
        // The load generator of `make bench-ws`: many WebSocket clients of a running server, on one thread.
        .executableTarget(
            name: "WebSocketBench",
            dependencies: [.product(name: "Vapor", package: "vapor")],
            swiftSettings: strictSettings
        ),
        // The indicators' batch forms over a bar file, timed (`make bench-indicators`, beside TA-Lib).
        .executableTarget(name: "IndicatorBench", dependencies: ["TradingCore"], swiftSettings: strictSettings),
        // The SMA-crossover backtest in bars per second through the real Backtester (`make bench-backtest`).
        .executableTarget(name: "BacktestBench", dependencies: ["Engine"], swiftSettings: strictSettings),
        // SmartStream frames decoded per second on one core (`make bench-smartstream`).
        .executableTarget(name: "SmartStreamBench", dependencies: ["AngelOne"], swiftSettings: strictSettings),

        // Fakes of the venues this machine cannot reach (SmartAPI first), speaking their exact wire formats: tests only.
        .target(
            name: "FakeVenues",
            dependencies: ["AngelOne", "Yahoo", .product(name: "Vapor", package: "vapor")],
            swiftSettings: strictSettings
        ),
        // The fakes as one process, for black-box tests of the real binary (tests/process): tests only.
        .executableTarget(
            name: "FakeVenuesServer",
            dependencies: ["FakeVenues", "AngelOne", .product(name: "Vapor", package: "vapor")],
            swiftSettings: strictSettings
        ),
        // Helpers shared by test targets only (never linked into the server).
        .target(name: "TestSupport", dependencies: ["Persistence"], path: "Sources/TestSupport"),

        // MARK: - tests (one target per source target)
        // Fixtures/ holds TA-Lib's values, read by path (`#filePath`), not as a bundled resource.
        .testTarget(name: "TradingCoreTests", dependencies: ["TradingCore"], exclude: ["Fixtures"]),
        .testTarget(name: "MarketDataTests", dependencies: ["MarketData"]),
        .testTarget(name: "BrokersTests", dependencies: ["Brokers", "TestSupport"]),
        .testTarget(
            name: "AngelOneTests",
            dependencies: ["AngelOne", "FakeVenues", "TradingCore",
                           .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .testTarget(name: "YahooTests", dependencies: ["Yahoo", "FakeVenues", "TradingCore"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Brokers"]),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence", "TestSupport"]),
        .testTarget(
            name: "APITests",
            dependencies: ["API", "TestSupport", "FakeVenues", "AngelOne",
                           .product(name: "VaporTesting", package: "vapor"), .product(name: "JWT", package: "jwt")]
        ),
    ]
)
