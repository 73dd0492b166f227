import Foundation
import Persistence
import Vapor

/// A backtest in listings and the `backtest.done` socket message: what was asked, how far it got, the headline
/// figures once done.
struct BacktestSummaryResponse: Content {
    var id: UUID
    var symbol: String
    var interval: String
    var kind: String
    var parameters: [String: Double]
    var status: String
    var progress: Double
    var createdAt: Date
    var finishedAt: Date?
    var finalValue: Double?
    var totalReturnPercent: Double?
    var trades: Int?
    var error: String?

    enum CodingKeys: String, CodingKey {
        case id, symbol, interval, kind, parameters, status, progress, trades, error
        case createdAt = "created_at", finishedAt = "finished_at", finalValue = "final_value"
        case totalReturnPercent = "total_return_percent"
    }

    init(_ backtest: StoredBacktest, progress: Double? = nil) {
        id = backtest.id
        symbol = backtest.symbol.rawValue
        interval = backtest.interval.rawValue
        kind = backtest.kind.rawValue
        parameters = backtest.parameters
        status = backtest.status
        self.progress = progress ?? backtest.progress
        createdAt = backtest.createdAt
        finishedAt = backtest.finishedAt
        finalValue = backtest.finalValue?.rupeesDouble
        totalReturnPercent = backtest.totalReturnPercent
        trades = backtest.trades
        error = backtest.error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(symbol, forKey: .symbol)
        try container.encode(interval, forKey: .interval)
        try container.encode(kind, forKey: .kind)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(status, forKey: .status)
        try container.encode(progress, forKey: .progress)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(finalValue, forKey: .finalValue)
        try container.encode(totalReturnPercent, forKey: .totalReturnPercent)
        try container.encode(trades, forKey: .trades)
        try container.encode(error, forKey: .error)
    }
}
