import Foundation
import TradingCore

/// The wall clock, for the live server.
struct SystemClock: TimeSource {
    func now() -> Date { Date() }
}
