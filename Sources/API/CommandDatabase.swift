import Fluent
import Foundation
import Persistence
import Vapor

/// The database for a one-shot command (`import-candles`, `backtest --symbol`): the server's own, from the same
/// configuration, migrated to the current schema.
enum CommandDatabase {
    @discardableResult
    static func open(_ app: Application, config: AppConfig) async throws -> DatabaseSetup.Target {
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let target = try DatabaseSetup.Target.from(databaseURL: config.databaseURL, dataDirectory: config.dataDirectory)
        try DatabaseSetup.register(target, on: app.databases)
        try await DatabaseSetup.prepareConnections(target, databases: app.databases,
                                                   eventLoops: Array(app.eventLoopGroup.makeIterator()), logger: app.logger)
        app.migrations.add(StockCartMigrations.all)
        try await MigrationLock.around(target, on: app.eventLoopGroup.next(), logger: app.logger) {
            try await app.autoMigrate()
        }
        return target
    }
}
