import Foundation
import TradingCore

/// Something the engine made durable that a user should hear about. Published only after the commit.
public enum EngineEvent: Sendable, Hashable {
    /// A rule fired (its fire count and state are already saved).
    case ruleFired(rule: PriceRule, price: Money, time: Date)
    /// A firing added a stock to the owner's cart.
    case cartAdded(item: CartItem, rule: PriceRule)
    /// An order changed status (executed or failed by the broker, or cancelled).
    case orderUpdated(Order)
    /// A strategy's signal, stop or square-off, with its risk decision, after it was stored.
    case signal(SignalRecord)

    /// The user the event belongs to; it is delivered to that user's sockets only.
    public var owner: UserID {
        switch self {
        case .ruleFired(let rule, _, _): rule.owner
        case .cartAdded(let item, _): item.owner
        case .orderUpdated(let order): order.owner
        case .signal(let record): record.owner
        }
    }
}

/// Receives engine events (the WebSocket hub in the server, a recorder in tests and backtests).
/// `publish` must return quickly and never wait on a client: the engine calls it on its commit path.
public protocol EngineEventSink: Sendable {
    func publish(_ event: EngineEvent)
}

/// Sees every tick before the rules do (the market hub keeps quotes and candles this way).
public protocol TickObserver: Sendable {
    func observe(_ tick: Tick)
}

/// Counters and timings the engine reports (Prometheus in the server; nothing by default).
public protocol EngineObserver: Sendable {
    func tickProcessed(stale: Bool)
    func ruleFired()
    func firingCommitted(seconds: Double)
    /// What the recorder made of a matched firing (recorded, reconciled, superseded, already recorded).
    func firingResolved(_ outcome: FiringOutcome.Kind)
    func orderSettled(_ status: OrderStatus)
    func commitFailed()
    /// A fresh tick that arrived outside the trading session, so neither fired rules nor filled orders.
    func tickOutsideSession()
}

extension EngineObserver {
    public func firingResolved(_ outcome: FiringOutcome.Kind) {}
    public func tickOutsideSession() {}
}
