@testable import API
import Foundation
import SQLKit
import TestSupport
import Testing
import TradingCore
import Vapor

/// The real engine, recorder and database: a fill whose settlement cannot commit settles once the database is
/// healthy again, without a restart, exactly once and with the right cash.
@Suite("Orders: settlement recovers after a database failure")
struct SettlementRecoveryTests {
    @Test("a fill that fails to settle is settled once the database recovers, at the fill's price, exactly once",
          arguments: TestDatabase.enabled)
    func settlesAfterRecovery(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            app.feed.push("INFY", 1500)
            #expect(await eventually { app.price("INFY") == 1500 })
            let startingCash = try #require(try await app.send(.GET, "/api/portfolio", token: token)["cash"] as? Double)
            let placed = try await app.send(.POST, "/api/orders", token: token,
                                            json: ["symbol": "INFY", "side": "BUY", "quantity": 10])
            #expect(placed.status == .created, "\(placed.text)")
            let id = try #require(placed["id"] as? String)

            // Settlement writes a trade row in its transaction; without the table every attempt fails, as in an outage.
            let sql = try #require(app.app.db as? any SQLDatabase)
            try await sql.raw("ALTER TABLE trades RENAME TO trades_offline").run()
            app.feed.push("INFY", 1510)
            #expect(try await eventually {
                try await app.send(.GET, "/metrics").text.contains("stockcart_commit_failures_total 1")
            }, "the in-line retries should have given up")
            app.feed.push("INFY", 1530) // must not fill the order a second time, nor at this price
            #expect(try await app.order(token, id)["status"] as? String == "PENDING")

            try await sql.raw("ALTER TABLE trades_offline RENAME TO trades").run()
            #expect(try await eventually { try await app.order(token, id)["status"] as? String == "EXECUTED" },
                    "the order was not settled after the database recovered")
            let order = try await app.order(token, id)
            #expect(order["fill_price"] as? Double == 1510)

            let charges = try app.services.charges.charges(side: .buy, price: Money(paise: 1510_00), quantity: 10).total
            let portfolio = try await app.send(.GET, "/api/portfolio", token: token)
            let cash = try #require(portfolio["cash"] as? Double)
            #expect(paise(cash) == paise(startingCash) - 10 * 1510_00 - charges.paise)
            #expect(portfolio["reserved_cash"] as? Double == 0)
            let holding = try #require((portfolio["holdings"] as? [[String: Any]])?.first)
            #expect(holding["symbol"] as? String == "INFY")
            #expect(holding["quantity"] as? Int == 10)

            // This test's database holds this one order, so every trade row is one of its settlements.
            let trades = try await sql.raw("SELECT COUNT(*) AS n FROM trades").first()?.decode(column: "n", as: Int.self)
            #expect(trades == 1, "one trade row: settled exactly once")
            #expect(app.services.engine.unsettledCount == 0)
        }
    }

    private func paise(_ rupees: Double) -> Int64 { Int64((rupees * 100).rounded()) }
}
