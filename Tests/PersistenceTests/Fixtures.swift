import Fluent
import Foundation
import Persistence
import TradingCore

/// Small builders for storage tests.
enum Fixtures {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func user(_ database: any Database, cash: Money = Money(paise: 10_00_000_00)) async throws -> UserID {
        let user = try await UserStore(database: database).create(
            email: "u\(UUID().uuidString.prefix(8))@example.com", passwordHash: "x", startingCash: cash, now: start)
        return UserID(user.id!)
    }

    static func rule(_ database: any Database, owner: UserID, symbol: Symbol = "RELIANCE", min: Int64 = 2_750_00,
                     max: Int64 = 2_850_00, mode: RuleMode = .once) async throws -> PriceRule {
        let rule = PriceRule(id: RuleID(UUID()), owner: owner, symbol: symbol,
                             range: try PriceRange(min: Money(paise: min), max: Money(paise: max)), mode: mode,
                             state: .watching, fireCount: 0, createdAt: start, updatedAt: start, lastFiredAt: nil)
        _ = try await RuleStore(database: database).create(rule, limit: 1_000_000)
        return rule
    }

    static func firing(_ rule: PriceRule, price: Int64, next: PriceRule.State = .fired) -> RuleFiring {
        RuleFiring(ruleID: rule.id, owner: rule.owner, symbol: rule.symbol, range: rule.range, revision: rule.revision,
                   price: Money(paise: price), time: start.addingTimeInterval(60), nextState: next)
    }

    static func order(_ owner: UserID, _ symbol: Symbol = "INFY", side: OrderSide = .buy, quantity: Int64 = 10,
                      limit: Int64? = nil) throws -> Order {
        try Order(id: OrderID(UUID()), owner: owner, symbol: symbol, side: side, type: limit == nil ? .market : .limit,
                  quantity: quantity, limitPrice: limit.map(Money.init(paise:)), createdAt: start)
    }
}
