import Foundation
import TradingCore
import Vapor

/// `POST /api/cart` body (manual add).
struct AddToCartRequest: Content {
    var symbol: String?
    /// A number, checked to be a whole one by `WireQuantity`.
    var quantity: Double?
}

/// `PATCH /api/cart/{id}` body.
struct UpdateCartItemRequest: Content {
    /// A number, checked to be a whole one by `WireQuantity`.
    var quantity: Double?
}

/// A cart line as the API shows it, with the live price next to the price when it was added.
struct CartItemResponse: Content {
    var id: UUID
    var symbol: String
    var quantity: Int64
    var addedPrice: Double
    var ltp: Double?
    var autoAdded: Bool
    var ruleId: UUID?
    var fireNumber: Int?
    var addedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, symbol, quantity, ltp
        case addedPrice = "added_price"
        case autoAdded = "auto_added"
        case ruleId = "rule_id"
        case fireNumber = "fire_number"
        case addedAt = "added_at"
    }

    init(_ item: CartItem, ltp: Money?) {
        id = item.id
        symbol = item.symbol.rawValue
        quantity = item.quantity
        addedPrice = item.priceWhenAdded.rupeesDouble
        self.ltp = ltp?.rupeesDouble
        autoAdded = item.autoAdded
        ruleId = item.ruleID?.rawValue
        fireNumber = item.fireNumber
        addedAt = item.addedAt
    }
}

/// `GET /api/cart` response: one page of lines, how many lines the cart holds in all, and the `after` of the next
/// page (null on the last page).
struct CartResponse: Content {
    var items: [CartItemResponse]
    var count: Int
    var nextAfter: UUID?

    private enum CodingKeys: String, CodingKey {
        case items, count
        case nextAfter = "next_after"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(count, forKey: .count)
        try container.encode(nextAfter, forKey: .nextAfter) // null on the last page, never left out
    }
}

/// `POST /api/cart/checkout` body.
struct CheckoutRequest: Content {
    struct Line: Content {
        var cartItemId: UUID?
        /// Absent or null: buy the quantity stored on the cart line. A number, checked by `WireQuantity`.
        var quantity: Double?

        enum CodingKeys: String, CodingKey {
            case quantity
            case cartItemId = "cart_item_id"
        }
    }
    var items: [Line]?
}

/// `POST /api/cart/checkout` response: the orders placed (or, for a retried key, placed before).
struct CheckoutResponse: Content {
    var orders: [OrderResponse]
    var replayed: Bool
}
