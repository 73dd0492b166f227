import AngelOne
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

    /// `GET /api/portfolio`. With a live broker the holdings and cash are the broker account's, read now: settled
    /// holdings, yesterday's unsettled buys and today's delivery positions together (a delivery buy sits in positions
    /// until it settles the next day), and the broker's available cash. When the broker cannot be read, StockCart's
    /// own books answer, saying so.
    @Sendable func show(_ req: Request) async throws -> PortfolioResponse {
        let owner = try req.user.id
        let snapshot = try await PortfolioStore(database: req.db).snapshot(owner: owner)
        guard services.config.broker == .angelone else {
            return try response(holdings: snapshot.holdings, cash: snapshot.cash, reserved: snapshot.reserved,
                                source: "paper", brokerError: nil)
        }
        let brokerError: String
        if let session = services.brokerSessions.session(userID: owner.rawValue) {
            do {
                let account = try await AngelOneAccountSnapshot.read(session: session, client: services.brokerSessions.client,
                                                                     includeBooks: false, includeFunds: true)
                let realised = Dictionary(snapshot.holdings.map { ($0.symbol, $0.realisedPnL) }, uniquingKeysWith: +)
                let cash = account.funds?.availableCash.flatMap(AngelOneBroker.paise).map { Money(paise: $0) } ?? .zero
                return try response(holdings: Self.holdings(account, realised: realised), cash: cash, reserved: .zero,
                                    source: "angelone", brokerError: nil)
            } catch {
                brokerError = "Angel One could not be read: \(error)"
            }
        } else {
            brokerError = "no broker account is connected; PUT /api/broker connects one"
        }
        return try response(holdings: snapshot.holdings, cash: snapshot.cash, reserved: snapshot.reserved,
                            source: "local", brokerError: brokerError)
    }

    /// The broker's NSE holdings (settled + T+1) and today's DELIVERY net positions, one line per symbol, at the
    /// quantity-weighted average of their prices.
    static func holdings(_ account: AngelOneAccountSnapshot, realised: [Symbol: Money]) -> [Holding] {
        var lines: [String: (quantity: Int64, cost: Decimal)] = [:]
        for row in account.holdings where (row.exchange ?? "NSE") == "NSE" {
            let quantity = row.quantity + row.t1Quantity
            lines[BrokerReconciliation.symbol(of: row.tradingSymbol), default: (0, 0)].quantity += quantity
            lines[BrokerReconciliation.symbol(of: row.tradingSymbol), default: (0, 0)].cost
                += (row.averagePrice ?? 0) * Decimal(quantity)
        }
        for row in account.positions where (row.productType ?? "DELIVERY") == "DELIVERY" && (row.exchange ?? "NSE") == "NSE" {
            lines[BrokerReconciliation.symbol(of: row.tradingSymbol), default: (0, 0)].quantity += row.netQuantity
            lines[BrokerReconciliation.symbol(of: row.tradingSymbol), default: (0, 0)].cost
                += (row.averageNetPrice ?? 0) * Decimal(row.netQuantity)
        }
        return lines.sorted { $0.key < $1.key }.compactMap { name, line in
            guard line.quantity > 0, let symbol = Symbol(name) else { return nil }
            let average = AngelOneBroker.paise(line.cost / Decimal(line.quantity)) ?? 0
            return Holding(symbol: symbol, quantity: line.quantity, averagePrice: Money(paise: average),
                                realisedPnL: realised[symbol] ?? .zero)
        }
    }

    private func response(holdings: [Holding], cash: Money, reserved: Money, source: String, brokerError: String?)
        throws -> PortfolioResponse {
        var invested = Money.zero, market = Money.zero, unrealised = Money.zero, realised = Money.zero
        var rows: [PortfolioResponse.HoldingResponse] = []
        for holding in holdings {
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
        return PortfolioResponse(cash: cash.rupeesDouble, reservedCash: reserved.rupeesDouble,
                                 availableCash: (cash - reserved).rupeesDouble, holdings: rows,
                                 totals: .init(investedValue: invested.rupeesDouble, marketValue: market.rupeesDouble,
                                               unrealisedPnl: unrealised.rupeesDouble,
                                               realisedPnl: realised.rupeesDouble),
                                 source: source, brokerError: brokerError)
    }
}
