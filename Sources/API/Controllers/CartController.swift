import Crypto
import Foundation
import Persistence
import TradingCore
import Vapor

/// The cart: auto-added and manual lines, their quantities, removal, and checkout into BUY orders.
///
/// Quantity changes are not audit-logged, like adding and removing lines: none of them moves money. Checkout, which
/// does, is.
struct CartController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        let cart = routes.grouped("api", "cart")
        cart.get(use: list)
        cart.post(use: add)
        cart.patch(":id", use: update)
        cart.delete(":id", use: remove)
        cart.post("checkout", use: checkout)
    }

    /// `GET /api/cart?limit=&after=`: oldest first, a page at a time (500 by default, at most 1,000); `count` is
    /// every line in the cart.
    @Sendable func list(_ req: Request) async throws -> Response {
        let page = try PageRequest(try req.queryParameters(), defaultLimit: 500, maxLimit: 1_000)
        let store = CartStore(database: req.db)
        let owner = try req.user.id
        let lines = try await store.list(owner: owner, after: page.after, limit: page.limit)
        // A first page that is the whole cart already says how many lines it holds.
        let count = page.after == nil && lines.nextAfter == nil ? lines.items.count : try await store.count(owner: owner)
        return try await CartResponse(
            items: lines.items.map { CartItemResponse($0, ltp: services.hub.quote(for: $0.symbol)?.lastPrice) },
            count: count, nextAfter: lines.nextAfter)
            .encodeResponse(for: req)
            .linkingNextPage(page.nextLink("/api/cart", nextAfter: lines.nextAfter))
    }

    /// `POST /api/cart`: adds a stock by hand at the current price. 201.
    @Sendable func add(_ req: Request) async throws -> Response {
        let owner = try req.user.id
        let body = try req.decodeJSONBody(AddToCartRequest.self)
        guard let raw = body.symbol, !raw.isEmpty else { throw APIError.validation("symbol", "symbol is required") }
        guard let symbol = Symbol(raw), let quote = services.hub.quote(for: symbol) else {
            throw APIError.validation("symbol", "unknown symbol '\(raw)'")
        }
        let quantity = try WireQuantity.parse(body.quantity ?? 1, field: "quantity")
        let item = CartItem(id: UUID.random(), owner: owner, symbol: symbol, quantity: quantity,
                            priceWhenAdded: quote.lastPrice, autoAdded: false, ruleID: nil, fireNumber: nil,
                            addedAt: services.clock.now())
        try await CartStore(database: req.db).add(item)
        let response = Response(status: .created)
        try response.content.encode(CartItemResponse(item, ltp: quote.lastPrice))
        return response
    }

    /// `PATCH /api/cart/{id}` with `{"quantity": N}`: stores the quantity to buy at checkout. 200 with the line.
    @Sendable func update(_ req: Request) async throws -> CartItemResponse {
        let owner = try req.user.id
        // A malformed id answers like an unknown one (as for DELETE), before the body is looked at.
        guard let raw = req.parameters.get("id"), let id = UUID(uuidString: raw) else {
            throw APIError.notFound("cart item")
        }
        let body = try req.decodeJSONBody(UpdateCartItemRequest.self)
        let quantity = try WireQuantity.parse(body.quantity, field: "quantity")
        guard let item = try await CartStore(database: req.db)
            .setQuantity(id, owner: owner, quantity: quantity, now: services.clock.now())
        else { throw APIError.notFound("cart item") }
        return CartItemResponse(item, ltp: services.hub.quote(for: item.symbol)?.lastPrice)
    }

    /// `DELETE /api/cart/{id}`: 204.
    @Sendable func remove(_ req: Request) async throws -> HTTPStatus {
        guard let raw = req.parameters.get("id"), let id = UUID(uuidString: raw),
              try await CartStore(database: req.db).remove(id, owner: try req.user.id, now: services.clock.now())
        else { throw APIError.notFound("cart item") }
        return .noContent
    }

    /// `POST /api/cart/checkout` with `Idempotency-Key`: one MARKET BUY per line. 201 with the orders; a retry with
    /// the same key and body answers 200 with the same orders and places nothing. A line without a quantity buys
    /// the quantity stored on the cart line.
    @Sendable func checkout(_ req: Request) async throws -> Response {
        let owner = try req.user.id
        guard let key = req.headers.first(name: "Idempotency-Key")?.trimmingCharacters(in: .whitespaces),
              !key.isEmpty
        else {
            throw APIError(.badRequest, "Idempotency-Key header is required (a fresh random value per checkout)",
                           field: "Idempotency-Key")
        }
        guard key.count <= 128 else {
            throw APIError(.badRequest, "Idempotency-Key must be at most 128 characters", field: "Idempotency-Key")
        }
        let body = try req.decodeJSONBody(CheckoutRequest.self)
        try services.autoTrading.refuseBuys(of: owner)
        guard let items = body.items, !items.isEmpty else {
            throw APIError.validation("items", "items must list at least one cart item")
        }
        var lines: [OrderStore.CheckoutLine] = []
        var seen = Set<UUID>()
        for (index, item) in items.enumerated() {
            guard let id = item.cartItemId else {
                throw APIError.validation("items[\(index)].cart_item_id", "items[\(index)].cart_item_id is required")
            }
            guard seen.insert(id).inserted else {
                throw APIError.validation("items[\(index)].cart_item_id", "cart item listed twice")
            }
            let quantity = try item.quantity.map { try WireQuantity.parse($0, field: "items[\(index)].quantity") }
            lines.append(.init(cartItemID: id, quantity: quantity))
        }
        // The fingerprint is of the body as sent: an explicit quantity keeps the form it always had (so keys issued
        // before stored quantities existed still replay), and "stored" stands for "whatever the line holds", which
        // cannot be read again on a retry once the line has been checked out.
        let fingerprint = lines.map { "\($0.cartItemID.uuidString):\($0.quantity.map(String.init) ?? "stored")" }
            .joined(separator: ",")
        let digest = SHA256.hash(data: Data(fingerprint.utf8)).map { String(format: "%02x", $0) }.joined()
        let hub = services.hub
        let now = services.clock.now()
        let (ip, requestID) = (req.clientAddress, req.id)
        // A live broker that cannot take orders now (no account, a session to reconnect) pauses the checkout with
        // its reason; the cart is left as it is.
        if let refusal = await services.broker.refusal(for: owner) {
            throw APIError(.conflict, refusal, field: "broker")
        }
        let result = try await services.orders(req.db)
            .checkout(owner: owner, idempotencyKey: key, fingerprint: digest, lines: lines,
                      price: { hub.quote(for: $0)?.lastPrice }, now: now, audit: { orders in
                          AuditEntry(userID: owner.rawValue, action: "cart.checkout", entityID: key,
                                     detail: orders.map { "\($0.symbol)x\($0.quantity)" }.joined(separator: ","),
                                     ip: ip, requestID: requestID, time: now)
                      })
        if !result.replayed {
            for order in result.orders {
                try await services.broker.submit(order)
                services.telemetry.orderPlaced()
            }
        }
        let response = Response(status: result.replayed ? .ok : .created)
        try response.content.encode(CheckoutResponse(orders: result.orders.map(OrderResponse.init),
                                                     replayed: result.replayed))
        return response
    }
}
