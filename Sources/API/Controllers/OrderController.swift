import Foundation
import Persistence
import TradingCore
import Vapor

/// Orders: place, list, get, cancel.
struct OrderController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        let orders = routes.grouped("api", "orders")
        orders.get(use: list)
        orders.post(use: place)
        orders.get(":id", use: get)
        orders.post(":id", "cancel", use: cancel)
    }

    /// `GET /api/orders?status=&limit=&after=`: newest first, a page at a time (200 by default, at most 1,000).
    @Sendable func list(_ req: Request) async throws -> Response {
        let query = try req.queryParameters()
        let page = try PageRequest(query, defaultLimit: 200, maxLimit: 1_000)
        var status: OrderStatus?
        if let raw = try query.string("status") {
            guard let parsed = OrderStatus(rawValue: raw.uppercased()) else {
                throw APIError(.badRequest, "status must be PENDING, EXECUTED, FAILED or CANCELLED", field: "status")
            }
            status = parsed
        }
        let orders = try await services.orders(req.db)
            .list(owner: try req.user.id, status: status, after: page.after.map(OrderID.init), limit: page.limit)
        return try await OrdersResponse(orders: orders.items.map(OrderResponse.init), nextAfter: orders.nextAfter)
            .encodeResponse(for: req)
            .linkingNextPage(page.nextLink("/api/orders", keeping: status.map { [("status", $0.rawValue)] } ?? [],
                                           nextAfter: orders.nextAfter))
    }

    /// `POST /api/orders` (optional `Idempotency-Key`): 201, or 200 with the earlier order for a repeated key.
    @Sendable func place(_ req: Request) async throws -> Response {
        let owner = try req.user.id
        let body = try req.decodeJSONBody(PlaceOrderRequest.self)
        guard let rawSymbol = body.symbol, !rawSymbol.isEmpty else {
            throw APIError.validation("symbol", "symbol is required")
        }
        guard let symbol = Symbol(rawSymbol), let quote = services.hub.quote(for: symbol) else {
            throw APIError.validation("symbol", "unknown symbol '\(rawSymbol)'")
        }
        guard let side = OrderSide(rawValue: (body.side ?? "").uppercased()) else {
            throw APIError.validation("side", "side must be BUY or SELL")
        }
        guard let type = OrderType(rawValue: (body.type ?? "MARKET").uppercased()) else {
            throw APIError.validation("type", "type must be MARKET or LIMIT")
        }
        if side == .buy { try services.autoTrading.refuseBuys(of: owner) }
        let quantity = try WireQuantity.parse(body.quantity, field: "quantity")
        let limit = body.limitPrice != nil ? try WireMoney.parsePrice(body.limitPrice, field: "limit_price") : nil
        let now = services.clock.now()
        let order = try Order(id: OrderID(UUID.random()), owner: owner, symbol: symbol, side: side, type: type,
                              quantity: quantity, limitPrice: limit, createdAt: now)
        _ = try order.checkedValue(marketPrice: quote.lastPrice)
        // A BUY LIMIT reserves at its limit (it never pays more); anything else at the live price.
        let estimate = (side == .buy ? limit : nil) ?? quote.lastPrice
        let key = req.headers.first(name: "Idempotency-Key")?.trimmingCharacters(in: .whitespaces)
        if let key, key.isEmpty || key.count > 128 {
            throw APIError(.badRequest, "Idempotency-Key must be 1 to 128 characters", field: "Idempotency-Key")
        }
        // A live broker that cannot take the order now says so before anything is stored.
        if let refusal = await services.broker.refusal(for: owner) {
            throw APIError(.conflict, refusal, field: "broker")
        }
        let result = try await services.orders(req.db)
            .place(.init(order: order, estimatePrice: estimate), idempotencyKey: key,
                   audit: auditEntry(req, "order.place", order, now: now))
        if !result.replayed {
            try await services.broker.submit(result.order)
            services.telemetry.orderPlaced()
        }
        let response = Response(status: result.replayed ? .ok : .created)
        try response.content.encode(OrderResponse(result.order))
        return response
    }

    /// `GET /api/orders/{id}`.
    @Sendable func get(_ req: Request) async throws -> OrderResponse {
        guard let id = Self.id(req), let order = try await services.orders(req.db)
            .get(id, owner: try req.user.id)
        else { throw APIError.notFound("order") }
        return OrderResponse(order)
    }

    /// `POST /api/orders/{id}/cancel`: a pending order becomes CANCELLED; any other status answers 409.
    @Sendable func cancel(_ req: Request) async throws -> OrderResponse {
        let now = services.clock.now()
        // Withdraw from the broker first so it cannot fill while the cancellation commits; if the store then
        // refuses (already executed), the broker no longer holds it either, which is right for a terminal order.
        guard let id = Self.id(req) else { throw APIError.notFound("order") }
        let store = services.orders(req.db)
        guard let existing = try await store.get(id, owner: try req.user.id) else { throw APIError.notFound("order") }
        guard existing.status == .pending else {
            throw APIError(.conflict, "order is \(existing.status.rawValue) and cannot be cancelled", field: "status")
        }
        guard await services.broker.cancel(id) else {
            // The broker no longer holds it: it has just filled (its settlement follows) or, at a real broker, could
            // not be withdrawn now. Cancelling it here would contradict what the broker did.
            throw APIError(.conflict, "the \(services.broker.name) broker could not withdraw this order (it may have just "
                               + "filled); its status will follow the broker", field: "status")
        }
        if services.broker.confirmsCancellations {
            // The request is the user's act: audited now; the closure the broker confirms is audited when it comes.
            try await audit(req, "order.cancel_requested", existing, now: now)
            return try await awaitBrokerCancellation(id, owner: existing.owner, store: store)
        }
        let cancelled: Order?
        do {
            cancelled = try await store.cancel(id, owner: existing.owner, now: now)
        } catch let error as OrderTransitionError where error.from == .cancelled {
            // A real broker confirmed the cancellation on its order-update socket, and the engine recorded it,
            // before this request did: the order is cancelled, as asked.
            cancelled = try await store.get(id, owner: existing.owner)
        }
        guard let order = cancelled else {
            throw APIError.notFound("order")
        }
        services.sockets.publish(.orderUpdated(order))
        try await audit(req, "order.cancel", order, now: now)
        return OrderResponse(order)
    }

    /// A real broker accepted the cancellation request; the order is cancelled only when it confirms it (the exchange
    /// may have filled the order first). Waits a few seconds for that; the order as it then stands is the answer
    /// (still PENDING: the confirmation is on its way and arrives as `order.updated`).
    private func awaitBrokerCancellation(_ id: OrderID, owner: UserID, store: OrderStore) async throws -> OrderResponse {
        for _ in 0..<50 {
            if let order = try await store.get(id, owner: owner), order.status != .pending { return OrderResponse(order) }
            try await Task.sleep(for: .milliseconds(100))
        }
        guard let order = try await store.get(id, owner: owner) else { throw APIError.notFound("order") }
        return OrderResponse(order)
    }

    private static func id(_ req: Request) -> OrderID? {
        req.parameters.get("id").flatMap(UUID.init(uuidString:)).map(OrderID.init)
    }

    private func auditEntry(_ req: Request, _ action: String, _ order: Order, now: Date) -> AuditEntry {
        let detail = "\(order.side.rawValue) \(order.quantity) \(order.symbol) \(order.type.rawValue)"
            + (order.limitPrice.map { " @\($0.rupeesText)" } ?? "")
        return AuditEntry(userID: order.owner.rawValue, action: action, entityID: order.id.description, detail: detail,
                          ip: req.clientAddress, requestID: req.id, time: now)
    }

    private func audit(_ req: Request, _ action: String, _ order: Order, now: Date) async throws {
        try await AuditStore(database: req.db).record(auditEntry(req, action, order, now: now))
    }
}
