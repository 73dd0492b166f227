import Foundation
import Persistence
import TradingCore
import Vapor

/// The user's auto-trader: its state, start and stop, the risk limits, and the kill switch (trip and re-arm).
struct AutoTraderController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        let autotrader = routes.grouped("api", "autotrader")
        autotrader.get(use: state)
        autotrader.post("start", use: start)
        autotrader.post("stop", use: stop)
        autotrader.put("limits", use: limits)
        autotrader.post("kill", use: kill)
        autotrader.post("rearm", use: rearm)
    }

    private var service: AutoTraderService { services.autoTrading }

    @Sendable func state(_ req: Request) async throws -> AutoTraderResponse {
        try await service.state(of: try req.user.id)
    }

    @Sendable func start(_ req: Request) async throws -> AutoTraderResponse {
        let owner = try req.user.id
        return try await service.start(owner, audit: audit(req, owner, "autotrader.start"))
    }

    @Sendable func stop(_ req: Request) async throws -> AutoTraderResponse {
        let owner = try req.user.id
        return try await service.stop(owner, audit: audit(req, owner, "autotrader.stop"))
    }

    @Sendable func limits(_ req: Request) async throws -> AutoTraderResponse {
        let owner = try req.user.id
        let limits = try req.decodeJSONBody(AutoTraderResponse.Limits.self).limits()
        let detail = "max_orders_per_second=\(limits.maxOrdersPerSecond)"
            + (limits.maxDailyLoss.map { " max_daily_loss=\($0.rupeesText)" } ?? "")
        return try await service.setLimits(owner, limits, audit: audit(req, owner, "autotrader.limits", detail))
    }

    /// `POST /api/autotrader/kill` with `{"square_off": "none" | "autotrader" | "all"}` (a body is optional).
    @Sendable func kill(_ req: Request) async throws -> AutoTraderResponse {
        let owner = try req.user.id
        let body = req.body.data.map { $0.readableBytes > 0 } == true
            ? try req.decodeJSONBody(KillSwitchRequest.self) : KillSwitchRequest()
        guard let squareOff = AutoTraderService.SquareOff(rawValue: body.squareOff ?? "none") else {
            throw APIError.validation("square_off", "square_off must be none, autotrader or all")
        }
        return try await service.kill(owner, squareOff: squareOff, reason: "tripped by the user",
                                      audit: audit(req, owner, "autotrader.kill", "square_off=\(squareOff.rawValue)"))
    }

    @Sendable func rearm(_ req: Request) async throws -> AutoTraderResponse {
        let owner = try req.user.id
        return try await service.rearm(owner, audit: audit(req, owner, "autotrader.rearm"))
    }

    private func audit(_ req: Request, _ owner: UserID, _ action: String, _ detail: String? = nil) -> AuditEntry {
        AuditEntry(userID: owner.rawValue, action: action, detail: detail, ip: req.clientAddress, requestID: req.id,
                   time: services.clock.now())
    }
}
