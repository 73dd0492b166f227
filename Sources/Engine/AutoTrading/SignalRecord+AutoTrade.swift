import Foundation
import TradingCore

extension SignalRecord {
    /// The record of `trade` as decided, before storage adds anything.
    public init(_ trade: AutoTrade, id: UUID) {
        let decision = trade.decision
        let reason: String = if let signal = decision.signal {
            signal.reason
        } else {
            switch decision.trigger {
            case .stopLoss: "stop-loss reached"
            case .takeProfit: "take-profit reached"
            case .trailingStop: "trailing stop reached"
            case .signal: "signal"
            }
        }
        self.init(id: id, owner: trade.owner, strategyID: decision.strategyID, strategyName: trade.strategyName,
                  symbol: decision.symbol, timeframe: trade.timeframe, barTime: decision.barTime, time: decision.time,
                  trigger: decision.trigger, side: decision.side, reason: reason, values: decision.signal?.values,
                  strength: decision.signal?.strength, price: decision.price, risk: decision.risk,
                  orderID: trade.order?.id)
    }
}
