import Fluent
import Foundation

/// The instrument catalogue.
public struct StockStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// Inserts the stocks that are not in the table yet (by symbol); existing rows are left as they are.
    public func seed(_ stocks: [StockModel]) async throws {
        let existing = Set(try await StockModel.query(on: database).all(\.$symbol))
        let missing = stocks.filter { !existing.contains($0.symbol) }
        guard !missing.isEmpty else { return }
        try await TransactionRunner.run(on: database) { tx in
            for stock in missing { try await stock.create(on: tx) }
        }
    }

    public func all() async throws -> [StockModel] {
        try await StockModel.query(on: database).sort(\.$symbol).all()
    }
}
