import Foundation
import TradingCore
import Vapor

/// `PerformanceMetrics` on the wire: amounts in rupees, ratios as numbers, null where a figure is undefined (no
/// losing trade for the profit factor, too few days for Sharpe).
struct PerformanceMetricsDTO: Content {
    var startingEquity: Double
    var endingEquity: Double
    var totalReturnPercent: Double
    var trades: Int
    var wins: Int
    var losses: Int
    var winRatePercent: Double?
    var averageWin: Double?
    var averageLoss: Double?
    var profitFactor: Double?
    var expectancy: Double?
    var realisedPnL: Double
    var maxDrawdown: Double
    var maxDrawdownPercent: Double
    var drawdownPeak: String?
    var drawdownTrough: String?
    var drawdownRecovery: String?
    var sharpe: Double?
    var sortino: Double?
    var riskFreeRatePercent: Double
    var exposurePercent: Double

    enum CodingKeys: String, CodingKey {
        case trades, wins, losses, sharpe, sortino
        case startingEquity = "starting_equity", endingEquity = "ending_equity"
        case totalReturnPercent = "total_return_percent", winRatePercent = "win_rate_percent"
        case averageWin = "average_win", averageLoss = "average_loss", profitFactor = "profit_factor"
        case expectancy, realisedPnL = "realised_pnl", maxDrawdown = "max_drawdown"
        case maxDrawdownPercent = "max_drawdown_percent", drawdownPeak = "drawdown_peak"
        case drawdownTrough = "drawdown_trough", drawdownRecovery = "drawdown_recovery"
        case riskFreeRatePercent = "risk_free_rate_percent", exposurePercent = "exposure_percent"
    }

    /// Every figure is written, `null` where it is undefined.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(startingEquity, forKey: .startingEquity)
        try container.encode(endingEquity, forKey: .endingEquity)
        try container.encode(totalReturnPercent, forKey: .totalReturnPercent)
        try container.encode(trades, forKey: .trades)
        try container.encode(wins, forKey: .wins)
        try container.encode(losses, forKey: .losses)
        try container.encode(winRatePercent, forKey: .winRatePercent)
        try container.encode(averageWin, forKey: .averageWin)
        try container.encode(averageLoss, forKey: .averageLoss)
        try container.encode(profitFactor, forKey: .profitFactor)
        try container.encode(expectancy, forKey: .expectancy)
        try container.encode(realisedPnL, forKey: .realisedPnL)
        try container.encode(maxDrawdown, forKey: .maxDrawdown)
        try container.encode(maxDrawdownPercent, forKey: .maxDrawdownPercent)
        try container.encode(drawdownPeak, forKey: .drawdownPeak)
        try container.encode(drawdownTrough, forKey: .drawdownTrough)
        try container.encode(drawdownRecovery, forKey: .drawdownRecovery)
        try container.encode(sharpe, forKey: .sharpe)
        try container.encode(sortino, forKey: .sortino)
        try container.encode(riskFreeRatePercent, forKey: .riskFreeRatePercent)
        try container.encode(exposurePercent, forKey: .exposurePercent)
    }

    init(_ metrics: PerformanceMetrics, dateOnly: Bool) {
        func date(_ time: Date?) -> String? { time.map { ISTTime.text($0, dateOnly: dateOnly) } }
        startingEquity = metrics.startingEquity.rupeesDouble
        endingEquity = metrics.endingEquity.rupeesDouble
        totalReturnPercent = metrics.totalReturnPercent
        trades = metrics.trades
        wins = metrics.wins
        losses = metrics.losses
        winRatePercent = metrics.winRatePercent
        averageWin = metrics.averageWin?.rupeesDouble
        averageLoss = metrics.averageLoss?.rupeesDouble
        profitFactor = metrics.profitFactor
        expectancy = metrics.expectancy?.rupeesDouble
        realisedPnL = metrics.realisedPnL.rupeesDouble
        maxDrawdown = metrics.maxDrawdown.rupeesDouble
        maxDrawdownPercent = metrics.maxDrawdownPercent
        drawdownPeak = date(metrics.drawdownPeakTime)
        drawdownTrough = date(metrics.drawdownTroughTime)
        drawdownRecovery = date(metrics.drawdownRecoveryTime)
        sharpe = metrics.sharpe
        sortino = metrics.sortino
        riskFreeRatePercent = metrics.riskFreeRatePercent
        exposurePercent = metrics.exposurePercent
    }
}
