import API
import ArgumentParser
import Vapor

/// The `stockcart` executable: a thin shell over the API target's `configure`.
@main
struct StockCartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stockcart",
        abstract: "StockCart: a self-hosted NSE/BSE stock dashboard and automation server.",
        discussion: """
        Configuration comes from environment variables (PORT, DATA_DIR, DATABASE_URL, JWT_SECRET, MARKET_FEED, \
        BROKER, SIM_SEED, LOG_LEVEL, …); see docs/configuration.md. With none set, StockCart runs on SQLite in \
        ./data with the simulated market and the paper broker.
        """,
        subcommands: [Serve.self, Migrate.self, UserCommand.self, ImportCandles.self, Indicators.self, Backtest.self],
        defaultSubcommand: Serve.self
    )
}

/// `stockcart serve`: migrate, then serve HTTP and WebSocket until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (migrates the database first). Stops gracefully on SIGTERM/SIGINT.")

    @ArgumentParser.Option(help: "Address to listen on (overrides HOST; default 127.0.0.1).")
    var hostname: String?

    @ArgumentParser.Option(help: "Port to listen on (overrides PORT; default 8080).")
    var port: Int?

    func run() async throws {
        var config = try AppConfig.fromEnvironment()
        if let hostname { config.host = hostname }
        if let port { config.port = port }
        let app = try await makeApplication(arguments: ["stockcart"], logLevel: config.logLevel)
        do {
            try await configure(app, config: config)
            // Serves HOST:PORT until SIGTERM/SIGINT, closing WebSockets before the HTTP server stops.
            try await ServerRunner.run(app)
        } catch {
            app.logger.critical("stockcart failed", metadata: ["error": "\(String(reflecting: error))"])
            try? await app.asyncShutdown()
            throw ExitCode.failure
        }
        try await app.asyncShutdown()
    }
}

/// `stockcart migrate`: bring the database schema up to date (or revert it) and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply (or with --revert, undo) database migrations.")

    @ArgumentParser.Flag(help: "Revert every migration instead (destroys all data).")
    var revert = false

    func run() async throws {
        let config = try AppConfig.fromEnvironment()
        let app = try await makeApplication(arguments: ["stockcart"], logLevel: config.logLevel)
        do {
            try await Migrator.run(app, config: config, revert: revert)
        } catch {
            app.logger.critical("migration failed", metadata: ["error": "\(String(reflecting: error))"])
            try? await app.asyncShutdown()
            throw ExitCode.failure
        }
        try await app.asyncShutdown()
    }
}

/// A Vapor application whose own command line is fixed (ArgumentParser owns the real one).
func makeApplication(arguments: [String], logLevel: String) async throws -> Application {
    var environment = Environment(name: "production", arguments: arguments + ["--log", logLevel])
    try LoggingSystem.bootstrapRedacting(from: &environment)
    return try await Application.make(environment)
}
