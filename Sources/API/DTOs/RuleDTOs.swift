import Foundation
import TradingCore
import Vapor

/// `POST /api/rules` body. Fields are optional here so a missing one is reported by name (422), not as a parse error.
struct CreateRuleRequest: Content {
    var symbol: String?
    var minPrice: Double?
    var maxPrice: Double?
    var mode: String?
    var active: Bool?

    enum CodingKeys: String, CodingKey {
        case symbol, mode, active
        case minPrice = "min_price"
        case maxPrice = "max_price"
    }
}

/// `PATCH /api/rules/{id}` body: any subset of the fields.
struct UpdateRuleRequest: Content {
    var symbol: String?
    var minPrice: Double?
    var maxPrice: Double?
    var mode: String?
    var active: Bool?

    enum CodingKeys: String, CodingKey {
        case symbol, mode, active
        case minPrice = "min_price"
        case maxPrice = "max_price"
    }
}

/// A rule as the API shows it.
struct RuleResponse: Content {
    var id: UUID
    var symbol: String
    var minPrice: Double
    var maxPrice: Double
    var mode: String
    var active: Bool
    /// `watching`, `inside` (a re-arm rule waiting for the price to leave), `fired` (a once rule, done) or `paused`.
    var state: String
    var fireCount: Int
    var createdAt: Date
    var updatedAt: Date
    var lastFiredAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, symbol, mode, active, state
        case minPrice = "min_price"
        case maxPrice = "max_price"
        case fireCount = "fire_count"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastFiredAt = "last_fired_at"
    }

    init(_ rule: PriceRule) {
        id = rule.id.rawValue
        symbol = rule.symbol.rawValue
        minPrice = rule.range.min.rupeesDouble
        maxPrice = rule.range.max.rupeesDouble
        mode = rule.mode.rawValue
        active = rule.isActive
        state = rule.state.rawValue
        fireCount = rule.fireCount
        createdAt = rule.createdAt
        updatedAt = rule.updatedAt
        lastFiredAt = rule.lastFiredAt
    }
}
