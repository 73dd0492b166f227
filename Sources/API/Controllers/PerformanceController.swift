import Foundation
import MarketData
import Persistence
import TradingCore
import Vapor

/// `GET /api/performance?from=&to=&strategy=&risk_free_rate_percent=`: the user's results net of charges, overall and
/// per strategy, from the orders executed: the round trips they make (first in, first out) and the equity at each
/// IST day's close (and through today, every five minutes), valued at the market's closing prices.
struct PerformanceController {
    let services: StockCartServices

    /// The longest period one request covers: ten years of days.
    static let maxDays = 3_660

    func register(on routes: any RoutesBuilder) {
        routes.get("api", "performance", use: performance)
    }

    @Sendable func performance(_ req: Request) async throws -> Response {
        let owner = try req.user.id
        let query = try req.queryParameters()
        let now = services.clock.now()
        let today = Self.dayStart(now)
        let fills = try await FillStore(database: req.db).fills(of: owner)
        let to = try Self.day(query.string("to"), field: "to") ?? today
        let from = try Self.day(query.string("from"), field: "from")
            ?? min(to, fills.first.map { Self.dayStart($0.time) } ?? to.addingTimeInterval(-29 * 86_400))
        guard from <= to else { throw APIError(.badRequest, "from must not be after to", field: "from") }
        guard to.timeIntervalSince(from) / 86_400 < Double(Self.maxDays) else {
            throw APIError(.badRequest, "from and to may be at most \(Self.maxDays) days apart", field: "from")
        }
        var strategy: StrategyID?
        if let raw = try query.string("strategy") {
            guard let id = UUID(uuidString: raw) else {
                throw APIError(.badRequest, "strategy must be a strategy id (a UUID)", field: "strategy")
            }
            strategy = StrategyID(id)
        }
        var riskFree = 0.0
        if let raw = try query.string("risk_free_rate_percent") {
            guard let value = Double(raw), value.isFinite, (0...100).contains(value) else {
                throw APIError(.badRequest, "risk_free_rate_percent must be a number from 0 to 100",
                               field: "risk_free_rate_percent")
            }
            riskFree = value
        }
        let strategies = try await StrategyStore(database: req.db).list(owner: owner)
        if let strategy, !strategies.contains(where: { $0.plan.id == strategy }) {
            throw APIError.notFound("strategy")
        }
        // The cash before the first fill: today's cash without every fill's flow.
        let cashNow = try await PortfolioStore(database: req.db).snapshot(owner: owner).cash
        let startingCash = Money(paise: cashNow.paise - fills.reduce(Int64(0)) { $0 + $1.cashFlow })
        let closes = Closes(hub: services.hub, symbols: Set(fills.map(\.symbol)))

        let shown = strategy.map { id in fills.filter { $0.strategy == id } } ?? fills
        let overall = Self.curve(shown, cash: startingCash, from: from, to: to, closes: closes, riskFree: riskFree)
        var perStrategy: [[String: Any]] = []
        for stored in strategies where strategy == nil || stored.plan.id == strategy {
            let own = fills.filter { $0.strategy == stored.plan.id }
            let result = Self.curve(own, cash: startingCash, from: from, to: to, closes: closes, riskFree: riskFree)
            perStrategy.append(["strategy_id": stored.plan.id.rawValue.uuidString, "strategy_name": stored.plan.name,
                                "metrics": try Self.json(PerformanceMetricsDTO(result.metrics, dateOnly: true))])
        }
        let unrealised = overall.end.holdings.reduce(Int64(0)) { total, holding in
            let last = services.hub.quote(for: holding.key)?.lastPrice.paise ?? 0
            return total + last * holding.value
        } - overall.end.costs.values.reduce(Int64(0)) { $0 + $1.paise }
        let charges = shown.filter { $0.time >= from && $0.time < to.addingTimeInterval(86_400) }
            .reduce(Int64(0)) { $0 + $1.charges.paise }
        let object: [String: Any] = [
            "from": ISTTime.text(from, dateOnly: true), "to": ISTTime.text(to, dateOnly: true),
            "overall": ["metrics": try Self.json(PerformanceMetricsDTO(overall.metrics, dateOnly: true)),
                        "unrealised_pnl": Double(unrealised) / 100, "charges": Double(charges) / 100] as [String: Any],
            "equity": overall.daily.map { point -> [String: Any] in
                ["date": ISTTime.text(point.time, dateOnly: true), "time": Self.iso(point.time),
                 "equity": point.equity.rupeesDouble]
            },
            "intraday": Self.intraday(shown, cash: startingCash, day: today, now: now, hub: services.hub)
                .map { ["time": Self.iso($0.time), "equity": $0.equity.rupeesDouble] as [String: Any] },
            "strategies": perStrategy,
        ]
        let response = Response(status: .ok)
        response.headers.contentType = .json
        response.body = .init(data: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        return response
    }

    /// Each symbol's daily closes from the hub, by IST day.
    struct Closes {
        let byDay: [Symbol: [(day: Date, close: Money)]]

        init(hub: MarketHub, symbols: Set<Symbol>) {
            var byDay: [Symbol: [(day: Date, close: Money)]] = [:]
            for symbol in symbols {
                byDay[symbol] = hub.candles(for: symbol, interval: .oneDay, limit: 3_000).map { ($0.time, $0.close) }
            }
            self.byDay = byDay
        }

        /// The close of `day`, or of the last day before it with a bar.
        func close(_ symbol: Symbol, on day: Date) -> Money? {
            guard let bars = byDay[symbol] else { return nil }
            var low = 0, high = bars.count
            while low < high {
                let mid = (low + high) / 2
                if bars[mid].day <= day { low = mid + 1 } else { high = mid }
            }
            return low > 0 ? bars[low - 1].close : nil
        }
    }

    struct Curve {
        var daily: [EquityPoint]
        var metrics: PerformanceMetrics
        var end: FillReplay
    }

    /// Equity at the close of the day before `from` and of each day to `to`, the round trips closed in between,
    /// and the figures on them.
    static func curve(_ fills: [Fill], cash: Money, from: Date, to: Date, closes: Closes, riskFree: Double) -> Curve {
        var replay = FillReplay(cash: cash)
        var next = 0
        var daily: [EquityPoint] = []
        var held = 0
        var day = from.addingTimeInterval(-86_400)
        while day <= to {
            let end = day.addingTimeInterval(86_400)
            while next < fills.count, fills[next].time < end {
                replay.apply(fills[next])
                next += 1
            }
            daily.append(EquityPoint(time: day, equity: replay.equity { closes.close($0, on: day) }))
            if day >= from, !replay.holdings.isEmpty { held += 1 }
            day = end
        }
        let closed = replay.closed.filter { $0.exitTime >= from && $0.exitTime < to.addingTimeInterval(86_400) }
        let days = max(1, daily.count - 1)
        while next < fills.count {
            replay.apply(fills[next])
            next += 1
        }
        return Curve(daily: daily, metrics: PerformanceMetrics(daily: daily, trades: closed, riskFreeRatePercent: riskFree,
                                                               exposurePercent: Double(held) / Double(days) * 100),
                     end: replay)
    }

    /// Today's equity every five minutes, from the hub's five-minute bars of the symbols traded.
    static func intraday(_ fills: [Fill], cash: Money, day: Date, now: Date, hub: MarketHub) -> [EquityPoint] {
        let symbols = Set(fills.map(\.symbol))
        var bars: [Symbol: [Date: Money]] = [:]
        var times = Set<Date>()
        for symbol in symbols {
            for bar in hub.candles(for: symbol, interval: .fiveMinutes, limit: 300) where bar.time >= day {
                bars[symbol, default: [:]][bar.time] = bar.close
                times.insert(bar.time)
            }
        }
        var replay = FillReplay(cash: cash)
        var next = 0
        var last: [Symbol: Money] = [:]
        var points: [EquityPoint] = []
        for time in times.sorted() where time <= now {
            let end = time.addingTimeInterval(300)
            while next < fills.count, fills[next].time < end {
                replay.apply(fills[next])
                last[fills[next].symbol] = fills[next].price
                next += 1
            }
            for symbol in symbols { if let close = bars[symbol]?[time] { last[symbol] = close } }
            points.append(EquityPoint(time: end, equity: replay.equity { last[$0] }))
        }
        return points
    }

    /// An IST date (`2026-11-30`) as the instant its day starts; nil when absent.
    static func day(_ raw: String?, field: String) throws -> Date? {
        guard let raw else { return nil }
        let parts = raw.split(separator: "-").compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: Int(CandleInterval.istOffsetSeconds))!
        guard parts.count == 3, raw.count == 10,
              let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.component(.day, from: date) == parts[2] else {
            throw APIError(.badRequest, "\(field) must be a date as YYYY-MM-DD", field: field)
        }
        return date
    }

    static func dayStart(_ time: Date) -> Date { CandleInterval.oneDay.bucketStart(for: time) }

    static func iso(_ time: Date) -> String { time.formatted(.iso8601) }

    static func json(_ value: some Encodable) throws -> Any {
        try JSONSerialization.jsonObject(with: APICoders.makeEncoder().encode(value))
    }
}
