import Foundation

/// Where domain and engine code get "now" from: the wall clock in the server, a simulated clock in backtests and
/// tests. Nothing in `TradingCore` or `Engine` reads the system clock directly.
public protocol TimeSource: Sendable {
    func now() -> Date
}
