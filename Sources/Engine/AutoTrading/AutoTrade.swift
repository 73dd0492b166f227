import Foundation
import TradingCore

/// One decision of a user's auto-trader on a tick, and the order it places (none when the risk check denied it):
/// what the engine hands its committer to store before anything else about that order.
public struct AutoTrade: Sendable {
    public let owner: UserID
    public let strategyName: String
    public let timeframe: CandleInterval
    public let decision: TradingDesk.Decision
    public let order: Order?
    /// The broker took the order at once (the paper broker): it may fill on this very tick, so its fill follows
    /// this record through the committer. False: the committer submits the stored order.
    public let accepted: Bool
}
