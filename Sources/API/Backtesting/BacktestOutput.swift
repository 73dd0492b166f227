import Engine
import Foundation
import TradingCore

/// How `stockcart backtest` prints a report: the JSON of the API, or a page a trader reads.
public enum BacktestOutput {
    public static func json(_ report: BacktestReport, costs: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(BacktestReportDTO(report, costs: costs))
    }

    public static func text(_ report: BacktestReport, costs: Bool) -> String {
        let daily = report.plan.timeframe == .oneDay
        func date(_ time: Date?) -> String { time.map { ISTTime.text($0, dateOnly: daily) } ?? "-" }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.2f%%", $0) } ?? "-" }
        func ratio(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
        func money(_ value: Money?) -> String { value.map { MoneyFormatter.format($0) } ?? "-" }
        let metrics = report.metrics
        var lines = [
            "\(report.plan.recipe.label) on \(report.symbol), \(report.plan.timeframe.rawValue) bars "
                + "\(date(report.firstBar)) to \(date(report.lastBar)) (\(report.bars) bars)",
            "Sizing: \(report.plan.sizing.label); costs: \(costs ? "Indian equity delivery charges" : "none")",
            "",
            "Starting cash     \(money(report.startingCash))",
            "Final value       \(money(report.finalValue))   (\(percent(metrics.totalReturnPercent)))",
            "Cash              \(money(report.cash))",
        ]
        if let open = report.openPosition {
            lines.append("Open position     \(open.quantity) shares since \(date(open.entryTime)) at "
                         + "\(money(open.entryPrice)), worth \(money(report.finalValue - report.cash))")
        }
        if let halted = report.halted { lines.append("Halted: \(halted)") }
        lines += ["", "Trades (\(report.trades.count)):"]
        for (number, (trade, trigger)) in zip(report.trades, report.exitTriggers).enumerated() {
            lines.append(String(format: "%4d  ", number + 1) + "\(trade.quantity) shares  \(date(trade.entryTime)) "
                         + "\(money(trade.entryPrice)) -> \(date(trade.exitTime)) \(money(trade.exitPrice))  "
                         + "P&L \(money(trade.pnl))" + (trigger == .signal ? "" : "  (\(trigger.rawValue))"))
        }
        let charges = report.charges
        lines += [
            "",
            "Charges: brokerage \(money(charges.brokerage)), STT \(money(charges.stt)), exchange "
                + "\(money(charges.exchange)), SEBI \(money(charges.sebi)), stamp duty \(money(charges.stampDuty)), "
                + "GST \(money(charges.gst)); total \(money(charges.total))",
            "Signals \(report.decisions.signals), stops \(report.decisions.stops): approved "
                + "\(report.decisions.approved), resized \(report.decisions.resized), denied \(report.decisions.denied)",
            "",
            "Win rate          \(percent(metrics.winRatePercent)) (\(metrics.wins) won, \(metrics.losses) lost)",
            "Average win/loss  \(money(metrics.averageWin)) / \(money(metrics.averageLoss))",
            "Profit factor     \(ratio(metrics.profitFactor))",
            "Expectancy        \(money(metrics.expectancy)) per trade",
            "Max drawdown      \(money(metrics.maxDrawdown)) (\(percent(metrics.maxDrawdownPercent))), "
                + "\(date(metrics.drawdownPeakTime)) to \(date(metrics.drawdownTroughTime)), recovered "
                + "\(metrics.drawdownRecoveryTime == nil ? "not yet" : date(metrics.drawdownRecoveryTime))",
            "Sharpe / Sortino  \(ratio(metrics.sharpe)) / \(ratio(metrics.sortino)) (daily, risk-free "
                + "\(percent(metrics.riskFreeRatePercent)) a year)",
            "Exposure          \(percent(metrics.exposurePercent)) of bars in the market",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
