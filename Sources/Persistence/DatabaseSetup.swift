import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Chooses and prepares the database: PostgreSQL for a `postgres://` URL, otherwise SQLite (a file, or memory for
/// tests). The only place that knows which engines exist.
public enum DatabaseSetup {
    /// Where the data lives.
    public enum Target: Sendable, Equatable {
        case sqliteFile(path: String)
        case sqliteMemory
        case postgres(url: String)
        /// PostgreSQL with every table in one schema: lets tests share a server without seeing each other.
        case postgresSchema(url: String, schema: String)

        /// `DATABASE_URL` if set (postgres:// or postgresql://, or sqlite:///path), else `DATA_DIR/stockcart.sqlite`.
        public static func from(databaseURL: String?, dataDirectory: String) throws -> Target {
            guard let url = databaseURL, !url.isEmpty else {
                return .sqliteFile(path: dataDirectory + "/stockcart.sqlite")
            }
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return .postgres(url: url) }
            if url == "sqlite::memory:" || url == "sqlite://:memory:" { return .sqliteMemory }
            if url.hasPrefix("sqlite://") { return .sqliteFile(path: String(url.dropFirst("sqlite://".count))) }
            throw DatabaseSetupError.unsupportedURL
        }

        /// For logs: never prints a password.
        public var redacted: String {
            switch self {
            case .sqliteFile(let path): return "sqlite file \(path)"
            case .sqliteMemory: return "sqlite memory"
            case .postgres(let url), .postgresSchema(let url, _):
                if var parts = URLComponents(string: url) {
                    if parts.password != nil { parts.password = "***" }
                    return "postgres \(parts.string ?? "postgres")"
                }
                return "postgres"
            }
        }
    }

    public static func register(_ target: Target, on databases: Databases) throws {
        switch target {
        case .sqliteFile(let path):
            databases.use(GatedSQLiteConfiguration(base: DatabaseConfigurationFactory.sqlite(.file(path),
                                                                                             sqlLogLevel: .trace).make(),
                                                   path: path),
                          as: .sqlite)
        case .sqliteMemory:
            // An in-memory database is private to its connection: no direct connection can share it.
            databases.use(GatedSQLiteConfiguration(base: DatabaseConfigurationFactory.sqlite(.memory,
                                                                                             sqlLogLevel: .trace).make(),
                                                   path: nil),
                          as: .sqlite)
        case .postgres(let url):
            databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
        case .postgresSchema(let url, let schema):
            var configuration = try SQLPostgresConfiguration(url: url)
            configuration.searchPath = [schema]
            databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace),
                          as: .psql)
        }
    }

    /// Per-connection SQLite settings, run once on each event loop's connection: WAL journaling (readers never
    /// block the writer) and a busy timeout so two connections queue for the write lock instead of failing.
    public static func prepareConnections(_ target: Target, databases: Databases, eventLoops: [any EventLoop],
                                          logger: Logger) async throws {
        switch target {
        case .postgres:
            return
        case .postgresSchema(_, let schema):
            // search_path is resolved per statement, so creating the schema now makes it the home of what follows.
            guard let sql = databases.database(logger: logger, on: eventLoops[0]) as? any SQLDatabase else { return }
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
            return
        case .sqliteFile, .sqliteMemory:
            break
        }
        for loop in eventLoops {
            guard let sql = databases.database(logger: logger, on: loop) as? any SQLDatabase else { continue }
            if case .sqliteFile = target {
                try await sql.raw("PRAGMA journal_mode=WAL").run()
                try await sql.raw("PRAGMA synchronous=NORMAL").run()
            }
            try await sql.raw("PRAGMA busy_timeout=5000").run()
        }
    }
}

/// A `DATABASE_URL` that names no supported engine.
public enum DatabaseSetupError: Error, CustomStringConvertible {
    case unsupportedURL
    public var description: String { "DATABASE_URL must start with postgres://, postgresql:// or sqlite://" }
}
