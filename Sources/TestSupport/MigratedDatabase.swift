import Fluent
import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import Persistence
import SQLKit
import Testing

/// Runs `body` against a freshly migrated database of the given kind (its own SQLite file or PostgreSQL schema),
/// then drops it. For storage tests that need no HTTP layer.
public func withMigratedDatabase(
    _ kind: TestDatabase,
    _ body: (any Database) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stockcart-db-\(UUID())").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let group = MultiThreadedEventLoopGroup.singleton
    let databases = Databases(threadPool: NIOThreadPool.singleton, on: group)
    let logger = Logger(label: "stockcart.test.db")
    let target = kind.makeTarget(directory: directory)
    func cleanUp() async {
        if case .postgresSchema(_, let schema) = target,
           let sql = databases.database(logger: logger, on: group.any()) as? any SQLDatabase {
            try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
        }
        await databases.shutdownAsync()
        try? FileManager.default.removeItem(atPath: directory)
    }
    do {
        try DatabaseSetup.register(target, on: databases)
        try await DatabaseSetup.prepareConnections(target, databases: databases,
                                                   eventLoops: Array(group.makeIterator()), logger: logger)
        let migrations = Migrations()
        migrations.add(StockCartMigrations.all)
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: group.any())
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
        let database = try #require(databases.database(logger: logger, on: group.any()))
        try await body(database)
    } catch {
        await cleanUp()
        throw error
    }
    await cleanUp()
}
