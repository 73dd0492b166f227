import Fluent
import Foundation
import Persistence
import SQLKit
import Testing
import TestSupport
import TradingCore

@Suite("Schema and setup")
struct SchemaTests {
    @Test("migrations create every table and revert cleanly", arguments: TestDatabase.enabled)
    func tables(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            for schema in [UserModel.schema, StockModel.schema, RuleModel.schema, CartItemModel.schema,
                           OrderModel.schema, TradeModel.schema, AccountModel.schema, PositionModel.schema,
                           CheckoutModel.schema, AuditLogModel.schema, BrokerAccountModel.schema, CandleModel.schema,
                           StrategyModel.schema, SignalModel.schema, AutoTraderStateModel.schema,
                           BacktestModel.schema] {
                let sql = try #require(db as? any SQLDatabase)
                _ = try await sql.raw("SELECT COUNT(*) FROM \(ident: schema)").all()
            }
            // Newest first, as `migrate --revert` does (later tables refer to earlier ones).
            for migration in StockCartMigrations.all.reversed() {
                try await (migration as! any AsyncMigration).revert(on: db)
            }
            let sql = try #require(db as? any SQLDatabase)
            await #expect(throws: (any Error).self) { _ = try await sql.raw("SELECT 1 FROM users").all() }
            await #expect(throws: (any Error).self) { _ = try await sql.raw("SELECT 1 FROM broker_accounts").all() }
            for migration in StockCartMigrations.all { // leave it as the cleanup expects
                try await (migration as! any AsyncMigration).prepare(on: db)
            }
        }
    }

    @Test("duplicate e-mails are refused by the store", arguments: TestDatabase.enabled)
    func duplicateEmail(database kind: TestDatabase) async throws {
        try await withMigratedDatabase(kind) { db in
            let users = UserStore(database: db)
            _ = try await users.create(email: "same@example.com", passwordHash: "x", startingCash: .zero,
                                       now: Fixtures.start)
            await #expect(throws: PersistenceError.duplicate("email")) {
                _ = try await users.create(email: "same@example.com", passwordHash: "y", startingCash: .zero,
                                           now: Fixtures.start)
            }
        }
    }

    @Test("database URLs choose the engine", arguments: [
        (nil, DatabaseSetup.Target.sqliteFile(path: "/d/stockcart.sqlite")),
        ("postgres://u:p@h:5432/db", .postgres(url: "postgres://u:p@h:5432/db")),
        ("postgresql://h/db", .postgres(url: "postgresql://h/db")),
        ("sqlite:///tmp/x.sqlite", .sqliteFile(path: "/tmp/x.sqlite")),
    ] as [(String?, DatabaseSetup.Target)])
    func targets(url: String?, expected: DatabaseSetup.Target) throws {
        #expect(try DatabaseSetup.Target.from(databaseURL: url, dataDirectory: "/d") == expected)
    }

    @Test("an unsupported URL is refused, and passwords never appear in logs")
    func redaction() throws {
        #expect(throws: DatabaseSetupError.self) { try DatabaseSetup.Target.from(databaseURL: "mysql://x", dataDirectory: "/d") }
        let target = DatabaseSetup.Target.postgres(url: "postgres://user:secret@db:5432/prod")
        #expect(!target.redacted.contains("secret"))
        #expect(target.redacted.contains("db:5432"))
    }
}
