import Foundation

/// A stored signal (or stop, or square-off) with its risk decision and the order it placed: what
/// `GET /api/signals` lists and the `signal` socket message carries.
public struct SignalRecord: Hashable, Sendable {
    public var id: UUID
    public var owner: UserID
    public var strategyID: StrategyID
    public var strategyName: String
    public var symbol: Symbol
    public var timeframe: CandleInterval
    /// The closed bar's start for a signal; nil for a stop or a square-off.
    public var barTime: Date?
    public var time: Date
    public var trigger: ExitTrigger
    public var side: OrderSide
    public var reason: String
    public var values: [String: Double]?
    public var strength: Double?
    public var price: Money
    public var risk: RiskDecision
    public var orderID: OrderID?

    public init(id: UUID, owner: UserID, strategyID: StrategyID, strategyName: String, symbol: Symbol,
                timeframe: CandleInterval, barTime: Date?, time: Date, trigger: ExitTrigger, side: OrderSide,
                reason: String, values: [String: Double]?, strength: Double?, price: Money, risk: RiskDecision,
                orderID: OrderID?) {
        self.id = id
        self.owner = owner
        self.strategyID = strategyID
        self.strategyName = strategyName
        self.symbol = symbol
        self.timeframe = timeframe
        self.barTime = barTime
        self.time = time
        self.trigger = trigger
        self.side = side
        self.reason = reason
        self.values = values
        self.strength = strength
        self.price = price
        self.risk = risk
        self.orderID = orderID
    }
}
