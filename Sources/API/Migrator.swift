import Fluent
import Persistence
import Vapor

/// Runs the database migrations without starting the server (`stockcart migrate`).
public enum Migrator {
    public static func run(_ app: Application, config: AppConfig, revert: Bool = false) async throws {
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let target = try DatabaseSetup.Target.from(databaseURL: config.databaseURL, dataDirectory: config.dataDirectory)
        try DatabaseSetup.register(target, on: app.databases)
        app.migrations.add(StockCartMigrations.all)
        try await MigrationLock.around(target, on: app.eventLoopGroup.next(), logger: app.logger) {
            if revert {
                try await app.autoRevert()
            } else {
                try await app.autoMigrate()
            }
        }
        app.logger.notice("migrations \(revert ? "reverted" : "applied")", metadata: ["database": "\(target.redacted)"])
    }
}
