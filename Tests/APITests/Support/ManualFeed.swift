import Foundation
import MarketData
import TradingCore

/// The feed API tests drive tick by tick.
typealias ManualFeed = PushFeed

extension PushFeed {
    /// Sends a tick stamped now (or at `time`).
    func push(_ symbol: Symbol, _ rupees: Double, time: Date = Date(), volume: Int64 = 100) {
        guard let price = Money(rupees: rupees) else { preconditionFailure("bad test price \(rupees)") }
        push(Tick(symbol: symbol, price: price, volume: volume, time: time))
    }
}
