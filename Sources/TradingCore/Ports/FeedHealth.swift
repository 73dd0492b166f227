import Foundation

/// How a market-data connection is doing, in terms every venue shares: for `/readyz`, `/metrics` and the UI's
/// connection indicator.
public struct FeedHealth: Equatable, Sendable {
    public enum State: String, Sendable {
        /// Opening the connection (the first time, or again after a drop).
        case connecting
        /// Connected and receiving.
        case live
        /// The connection ended (closed, refused or silent); the next attempt is scheduled.
        case reconnecting
    }

    public var state: State
    public var since: Date
    /// The last frame of any kind (a tick, a heartbeat answer, an error), and the last tick.
    public var lastFrameAt: Date?
    public var lastTickAt: Date?
    /// Connections opened after the first.
    public var reconnects: Int
    /// What is wrong now, if anything, in words an operator can act on (never a secret).
    public var lastError: String?
    /// Why the last connection ended (kept after reconnecting, for the log and the UI).
    public var lastDisconnect: String?
    /// Frames that could not be decoded, by reason.
    public var badFrames: [String: Int]
    /// Quotes for instruments the feed does not map to a symbol.
    public var unknownInstruments: Int

    public init(state: State, since: Date, lastFrameAt: Date? = nil, lastTickAt: Date? = nil, reconnects: Int = 0,
                lastError: String? = nil, lastDisconnect: String? = nil, badFrames: [String: Int] = [:], unknownInstruments: Int = 0) {
        self.state = state
        self.since = since
        self.lastFrameAt = lastFrameAt
        self.lastTickAt = lastTickAt
        self.reconnects = reconnects
        self.lastError = lastError
        self.lastDisconnect = lastDisconnect
        self.badFrames = badFrames
        self.unknownInstruments = unknownInstruments
    }
}
