import Foundation
import Persistence
import TradingCore
import Vapor

/// `GET /api/portfolio`: cash and holdings valued at the live price; `GET /api/charges`: the charge schedule.
struct PortfolioController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        routes.get("api", "portfolio", use: show)
        routes.get("api", "charges", use: charges)
    }

    /// `GET /api/charges`: the rates the broker charges, for client-side estimates.
    @Sendable func charges(_ req: Request) async throws -> ChargeScheduleResponse {
        ChargeScheduleResponse(services.charges)
    }

    @Sendable func show(_ req: Request) async throws -> PortfolioResponse {
        let snapshot = try await PortfolioStore(database: req.db).snapshot(owner: try req.user.id)
        var invested = Money.zero, market = Money.zero, unrealised = Money.zero, realised = Money.zero
        var rows: [PortfolioResponse.HoldingResponse] = []
        for holding in snapshot.holdings {
            // Checked: holdings grow with every buy, so their values and totals are sums a user can keep adding to.
            let ltp = services.hub.quote(for: holding.symbol)?.lastPrice ?? holding.averagePrice
            let cost = try holding.averagePrice.multiplied(by: holding.quantity)
            let value = try ltp.multiplied(by: holding.quantity)
            let pnl = try holding.unrealisedPnL(at: ltp)
            invested = try invested.adding(cost)
            market = try market.adding(value)
            unrealised = try unrealised.adding(pnl)
            realised = try realised.adding(holding.realisedPnL)
            let percent = cost.paise == 0 ? 0 : ((Double(pnl.paise) / Double(cost.paise)) * 10_000).rounded() / 100
            rows.append(.init(symbol: holding.symbol.rawValue, quantity: holding.quantity,
                              averagePrice: holding.averagePrice.rupeesDouble, ltp: ltp.rupeesDouble,
                              investedValue: cost.rupeesDouble, marketValue: value.rupeesDouble,
                              unrealisedPnl: pnl.rupeesDouble, unrealisedPnlPercent: percent,
                              realisedPnl: holding.realisedPnL.rupeesDouble))
        }
        return PortfolioResponse(cash: snapshot.cash.rupeesDouble, reservedCash: snapshot.reserved.rupeesDouble,
                                 availableCash: (snapshot.cash - snapshot.reserved).rupeesDouble, holdings: rows,
                                 totals: .init(investedValue: invested.rupeesDouble, marketValue: market.rupeesDouble,
                                               unrealisedPnl: unrealised.rupeesDouble,
                                               realisedPnl: realised.rupeesDouble))
    }
}
