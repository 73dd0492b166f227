import Fluent
import Foundation
import Persistence
import SQLKit
import Testing
import TestSupport

/// Every query a request, a tick or a settlement runs reads through an index that matches its filter and its order:
/// no full table scan, no sort of the rows found. Checked with each engine's own plan: SQLite's `EXPLAIN QUERY PLAN`,
/// and PostgreSQL's `EXPLAIN` with sequential scans, bitmap scans and sorts switched off (on an empty table PostgreSQL
/// would rightly scan and sort, so the question asked is whether an index *could* serve the query, in order).
@Suite("Query plans: hot queries use their indexes")
struct QueryPlanTests {
    /// The hot queries, in the shapes the stores send them (parameters as literals of the right type).
    static let queries: [(label: String, sql: String)] = [
        ("orders, newest first",
         "SELECT * FROM orders WHERE user_id = '\(uuid)' ORDER BY created_at DESC, id DESC LIMIT 201"),
        ("orders, a later page",
         "SELECT * FROM orders WHERE user_id = '\(uuid)' AND \(after("orders", "created_at", "<")) "
            + "ORDER BY created_at DESC, id DESC LIMIT 201"),
        ("orders by status, newest first",
         "SELECT * FROM orders WHERE user_id = '\(uuid)' AND status = 'PENDING' ORDER BY created_at DESC, id DESC LIMIT 201"),
        ("orders by status, a later page",
         "SELECT * FROM orders WHERE user_id = '\(uuid)' AND status = 'PENDING' AND \(after("orders", "created_at", "<")) "
            + "ORDER BY created_at DESC, id DESC LIMIT 201"),
        ("order by idempotency key", "SELECT * FROM orders WHERE user_id = '\(uuid)' AND idempotency_key = 'k'"),
        ("orders of a checkout", "SELECT * FROM orders WHERE checkout_id = '\(uuid)' ORDER BY created_at"),
        ("one order", "SELECT * FROM orders WHERE id = '\(uuid)' AND user_id = '\(uuid)'"),
        ("pending orders at start", "SELECT * FROM orders WHERE status = 'PENDING' ORDER BY created_at"),
        ("rules, oldest first", "SELECT * FROM rules WHERE user_id = '\(uuid)' ORDER BY created_at, id LIMIT 1001"),
        ("rules, a later page",
         "SELECT * FROM rules WHERE user_id = '\(uuid)' AND \(after("rules", "created_at", ">")) "
            + "ORDER BY created_at, id LIMIT 1001"),
        ("one rule", "SELECT * FROM rules WHERE id = '\(uuid)' AND user_id = '\(uuid)'"),
        ("live rules at start", "SELECT * FROM rules WHERE state IN ('watching', 'inside')"),
        ("cart, oldest first",
         "SELECT * FROM cart_items WHERE user_id = '\(uuid)' AND status = 'in_cart' ORDER BY added_at, id LIMIT 501"),
        ("cart, a later page",
         "SELECT * FROM cart_items WHERE user_id = '\(uuid)' AND status = 'in_cart' AND "
            + "\(after("cart_items", "added_at", ">")) ORDER BY added_at, id LIMIT 501"),
        ("one cart line", "SELECT * FROM cart_items WHERE id = '\(uuid)' AND user_id = '\(uuid)' AND status = 'in_cart'"),
        ("a rule's highest fire number",
         "SELECT * FROM cart_items WHERE rule_id = '\(uuid)' ORDER BY fire_number DESC LIMIT 1"),
        ("account", "SELECT * FROM accounts WHERE user_id = '\(uuid)'"),
        ("position", "SELECT * FROM positions WHERE user_id = '\(uuid)' AND symbol = 'INFY'"),
        ("holdings", "SELECT * FROM positions WHERE user_id = '\(uuid)' ORDER BY symbol"),
        ("checkout by key", "SELECT * FROM checkouts WHERE user_id = '\(uuid)' AND idempotency_key = 'k'"),
        ("user by e-mail", "SELECT * FROM users WHERE email = 'a@example.com'"),
        ("user by id", "SELECT * FROM users WHERE id = '\(uuid)'"),
        ("audit log, newest first",
         "SELECT * FROM audit_log WHERE user_id = '\(uuid)' ORDER BY created_at DESC LIMIT 100"),
    ]
    static let uuid = "6f1c2a34-8a4e-4f0e-9a0a-3c2b1d0e9f87"

    /// The keyset condition of a page after the first (`KeysetFilter`).
    static func after(_ table: String, _ time: String, _ comparison: String) -> String {
        "(\(time), id) \(comparison) (SELECT \(time), id FROM \(table) WHERE id = '\(uuid)' AND user_id = '\(uuid)')"
    }

    @Test("SQLite: every hot query searches an index and sorts nothing")
    func sqlite() async throws {
        try await withMigratedDatabase(.sqlite) { db in
            let sql = try #require(db as? any SQLDatabase)
            for (label, query) in Self.queries {
                let rows = try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN " + query)).all()
                let plan = try rows.map { try $0.decode(column: "detail", as: String.self) }
                #expect(!plan.isEmpty, "\(label): no plan")
                let scans = plan.filter { $0.hasPrefix("SCAN ") }
                #expect(scans.isEmpty, "\(label) scans a table: \(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(label) sorts its rows: \(plan)")
                if label.hasSuffix("a later page") {
                    // The page must start with a seek to the row it follows, not read the rows before it.
                    #expect(plan.contains { $0.hasPrefix("SEARCH ") && $0.contains(",id)") },
                            "\(label) does not seek to its first row: \(plan)")
                }
            }
        }
    }

    @Test("PostgreSQL: every hot query can be served by an index, in order",
          .enabled(if: TestDatabase.enabled.contains(.postgres)))
    func postgres() async throws {
        try await withMigratedDatabase(.postgres) { db in
            try await db.transaction { tx in
                let sql = try #require(tx as? any SQLDatabase)
                // Off, not forbidden: the planner still uses one if nothing else can answer, which the checks catch.
                for setting in ["enable_seqscan", "enable_bitmapscan", "enable_sort"] {
                    try await sql.raw(SQLQueryString("SET LOCAL \(setting) = off")).run()
                }
                for (label, query) in Self.queries {
                    let rows = try await sql.raw(SQLQueryString("EXPLAIN " + query)).all()
                    let plan = try rows.map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                    #expect(!plan.contains { $0.contains("Seq Scan") }, "\(label) scans a table: \(plan)")
                    #expect(!plan.contains { $0.contains("Sort") }, "\(label) sorts its rows: \(plan)")
                    if label.hasSuffix("a later page") {
                        #expect(plan.contains { $0.contains("Index Cond") && $0.contains("ROW(") },
                                "\(label) does not seek to its first row: \(plan)")
                    }
                }
            }
        }
    }
}
