import Engine
import Foundation
import TradingCore
import Vapor

/// A backtest's report on the wire (`stockcart backtest --json` and `/api/backtests`): amounts in rupees, times as
/// IST dates (`2024-03-15`) for daily bars or IST date-times (`2024-03-15 09:15:00`) for intraday ones, as the CSV
/// files write them.
struct BacktestReportDTO: Content {
    struct Trade: Content {
        var quantity: Int64
        var entryDate: String
        /// The entry bar's start, in seconds since 1970 (for chart markers).
        var entryTime: Int64
        var entryPrice: Double
        var exitDate: String
        var exitTime: Int64
        var exitPrice: Double
        /// Net of both legs' charges (equal to the gross figure without costs).
        var pnl: Double
        var grossPnL: Double
        var charges: Double
        /// `signal`, `stop_loss`, `take_profit` or `trailing_stop`.
        var exitReason: String

        enum CodingKeys: String, CodingKey {
            case quantity, pnl, charges
            case entryDate = "entry_date", entryPrice = "entry_price", exitDate = "exit_date"
            case exitPrice = "exit_price", grossPnL = "gross_pnl", exitReason = "exit_reason"
            case entryTime = "entry_time", exitTime = "exit_time"
        }
    }

    struct OpenPosition: Content {
        var quantity: Int64
        var entryDate: String
        var entryPrice: Double
        /// At the last bar's close.
        var marketValue: Double

        enum CodingKeys: String, CodingKey {
            case quantity
            case entryDate = "entry_date", entryPrice = "entry_price", marketValue = "market_value"
        }
    }

    struct Charges: Content {
        var brokerage: Double, stt: Double, exchange: Double, sebi: Double, stampDuty: Double, gst: Double
        var total: Double

        enum CodingKeys: String, CodingKey {
            case brokerage, stt, exchange, sebi, gst, total
            case stampDuty = "stamp_duty"
        }
    }

    struct Decisions: Content {
        var signals: Int, stops: Int, approved: Int, resized: Int, denied: Int
    }

    struct Point: Content {
        var date: String
        /// Seconds since 1970.
        var time: Int64
        var equity: Double
    }

    var symbol: String
    var strategy: StrategyDTO
    var bars: Int
    var from: String?
    var to: String?
    var startingCash: Double
    var finalValue: Double
    var cash: Double
    var openPosition: OpenPosition?
    var trades: [Trade]
    var costs: Bool
    var charges: Charges
    var decisions: Decisions
    var metrics: PerformanceMetricsDTO
    var equity: [Point]
    var halted: String?

    enum CodingKeys: String, CodingKey {
        case symbol, strategy, bars, from, to, cash, trades, costs, charges, decisions, metrics, equity, halted
        case startingCash = "starting_cash", finalValue = "final_value", openPosition = "open_position"
    }

    /// Written out in full: an absent value is `null` (no open position, not halted), never a missing key.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(symbol, forKey: .symbol)
        try container.encode(strategy, forKey: .strategy)
        try container.encode(bars, forKey: .bars)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(startingCash, forKey: .startingCash)
        try container.encode(finalValue, forKey: .finalValue)
        try container.encode(cash, forKey: .cash)
        try container.encode(openPosition, forKey: .openPosition)
        try container.encode(trades, forKey: .trades)
        try container.encode(costs, forKey: .costs)
        try container.encode(charges, forKey: .charges)
        try container.encode(decisions, forKey: .decisions)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(equity, forKey: .equity)
        try container.encode(halted, forKey: .halted)
    }

    init(_ report: BacktestReport, costs: Bool) {
        let daily = report.plan.timeframe == .oneDay
        func date(_ time: Date) -> String { ISTTime.text(time, dateOnly: daily) }
        symbol = report.symbol.rawValue
        strategy = StrategyDTO(report.plan)
        bars = report.bars
        from = report.firstBar.map(date)
        to = report.lastBar.map(date)
        startingCash = report.startingCash.rupeesDouble
        finalValue = report.finalValue.rupeesDouble
        cash = report.cash.rupeesDouble
        openPosition = report.openPosition.map {
            OpenPosition(quantity: $0.quantity, entryDate: date($0.entryTime), entryPrice: $0.entryPrice.rupeesDouble,
                         marketValue: (report.finalValue - report.cash).rupeesDouble)
        }
        trades = zip(report.trades, report.exitTriggers).map { trade, trigger in
            Trade(quantity: trade.quantity, entryDate: date(trade.entryTime),
                  entryTime: Int64(trade.entryTime.timeIntervalSince1970), entryPrice: trade.entryPrice.rupeesDouble,
                  exitDate: date(trade.exitTime), exitTime: Int64(trade.exitTime.timeIntervalSince1970),
                  exitPrice: trade.exitPrice.rupeesDouble, pnl: trade.pnl.rupeesDouble,
                  grossPnL: trade.grossPnL.rupeesDouble, charges: trade.charges.rupeesDouble,
                  exitReason: trigger.rawValue)
        }
        self.costs = costs
        let paid = report.charges
        charges = Charges(brokerage: paid.brokerage.rupeesDouble, stt: paid.stt.rupeesDouble,
                          exchange: paid.exchange.rupeesDouble, sebi: paid.sebi.rupeesDouble,
                          stampDuty: paid.stampDuty.rupeesDouble, gst: paid.gst.rupeesDouble,
                          total: paid.total.rupeesDouble)
        let counts = report.decisions
        decisions = Decisions(signals: counts.signals, stops: counts.stops, approved: counts.approved,
                              resized: counts.resized, denied: counts.denied)
        metrics = PerformanceMetricsDTO(report.metrics, dateOnly: daily)
        equity = report.equity.map {
            Point(date: date($0.time), time: Int64($0.time.timeIntervalSince1970), equity: $0.equity.rupeesDouble)
        }
        halted = report.halted
    }
}
