import Fluent
import Foundation
import TradingCore

/// A user's cash, the cash reserved by pending BUY orders, and holdings.
public struct PortfolioStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    public struct Snapshot: Sendable {
        public var cash: Money
        public var reserved: Money
        public var holdings: [Holding]
    }

    public func snapshot(owner: UserID) async throws -> Snapshot {
        let account = try await AccountModel.query(on: database).filter(\.$userID == owner.rawValue).first()
        let cash = account?.cashPaise ?? 0
        let reserved = account?.reservedPaise ?? 0
        let holdings = try await PositionModel.query(on: database).filter(\.$userID == owner.rawValue)
            .sort(\.$symbol).all().map { try $0.toCore() }
            .filter { $0.quantity != 0 || $0.realisedPnL != .zero }
        return Snapshot(cash: Money(paise: cash), reserved: Money(paise: reserved), holdings: holdings)
    }
}
