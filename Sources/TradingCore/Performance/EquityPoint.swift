import Foundation

/// An account's value at one moment: a point of an equity curve.
public struct EquityPoint: Hashable, Sendable {
    public var time: Date
    public var equity: Money

    public init(time: Date, equity: Money) {
        self.time = time
        self.equity = equity
    }
}
