import Foundation
import TradingCore

/// The outcome of one backtest: the final value, every round trip, the position still open, the charges line by
/// line, the equity curve and the performance figures.
public struct BacktestReport: Sendable {
    /// A position still held at the last bar (valued at its close in `finalValue`).
    public struct OpenPosition: Hashable, Sendable {
        public var quantity: Int64
        public var entryTime: Date
        public var entryPrice: Money
        public var entryCharges: Money
    }

    /// How the signals fared at the risk check.
    public struct DecisionCounts: Hashable, Sendable {
        public var signals = 0
        public var stops = 0
        public var approved = 0
        public var resized = 0
        public var denied = 0
    }

    public var symbol: Symbol
    public var plan: StrategyPlan
    public var bars: Int
    public var firstBar: Date?
    public var lastBar: Date?
    public var startingCash: Money
    /// Cash plus the open position at the last close.
    public var finalValue: Money
    public var cash: Money
    public var openPosition: OpenPosition?
    public var trades: [ClosedTrade]
    /// What each closed trade's exit was triggered by, index for index with `trades`.
    public var exitTriggers: [ExitTrigger]
    /// Every charge paid, component by component (all zero without costs).
    public var charges: ChargeBreakdown
    public var decisions: DecisionCounts
    /// Equity at the close of each day (IST), the starting cash first.
    public var equity: [EquityPoint]
    public var metrics: PerformanceMetrics
    /// Why the backtest stopped opening positions early, if it did (the daily loss limit).
    public var halted: String?
}
