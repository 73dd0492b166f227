import Foundation

/// How the SmartStream connection is doing, for `/readyz`, `/metrics` and the UI's connection indicator.
public struct SmartStreamHealth: Equatable, Sendable {
    public enum State: String, Sendable {
        /// Opening the socket (first time, or after a drop).
        case connecting
        /// Subscribed; frames arrive (ticks, or at least pongs).
        case live
        /// The connection ended (closed, refused, or silent for too long); the next attempt is scheduled.
        case reconnecting
    }

    public var state: State
    public var since: Date
    /// The last frame of any kind (a tick, a pong, an error), and the last tick.
    public var lastFrameAt: Date?
    public var lastTickAt: Date?
    /// Connections opened after the first.
    public var reconnects: Int
    /// What is wrong now, if anything: why the connection is down (the `x-error-message` of a refusal), or an error
    /// frame received on a live connection. Cleared when a connection opens.
    public var lastError: String?
    /// Why the last connection ended (kept after reconnecting, for the log and the UI).
    public var lastDisconnect: String?
    /// Frames that could not be decoded, by reason (`SmartStreamFrameError.Reason`).
    public var badFrames: [String: Int]
    /// Ticks for tokens this feed does not map to a symbol.
    public var unknownTokens: Int

    public init(state: State, since: Date) {
        self.state = state
        self.since = since
        reconnects = 0
        badFrames = [:]
        unknownTokens = 0
    }
}
