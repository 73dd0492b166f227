import FluentPostgresDriver
import Foundation
import Logging
import NIOCore

/// Serialises migrations across processes: several instances starting at once on one PostgreSQL would otherwise each
/// try to create the same tables. The lock is a PostgreSQL advisory lock held on a connection of its own for as long
/// as `body` runs (the migrations use the pool's connections). SQLite needs none: one process serves it.
public enum MigrationLock {
    public static func around<T: Sendable>(_ target: DatabaseSetup.Target, on eventLoop: any EventLoop, logger: Logger,
                                           _ body: () async throws -> T) async throws -> T {
        let url: String
        let scope: String
        switch target {
        case .postgres(let address):
            (url, scope) = (address, "")
        case .postgresSchema(let address, let schema):
            (url, scope) = (address, schema) // tests: one lock per schema, so their apps do not wait for each other
        case .sqliteFile, .sqliteMemory:
            return try await body()
        }
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let connection = try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 0,
                                                              logger: logger)
        let key = "stockcart-migrations:" + scope
        do {
            _ = try await connection.query("SELECT pg_advisory_lock(hashtext(\(key)))", logger: logger)
            let result = try await body()
            _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(\(key)))", logger: logger)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close() // closing the session releases the lock too
            throw error
        }
    }
}
