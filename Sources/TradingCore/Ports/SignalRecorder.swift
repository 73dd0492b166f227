/// Stores the auto-trader's decisions: the port the engine's committer writes through (Persistence implements it).
public protocol SignalRecorder: Sendable {
    /// Stores `signal` and, when it places `order`, the order (funds set aside at `estimate`, the decision's price)
    /// in one transaction. Answers the record as stored: without its order when the funds check refused it (then
    /// denied, saying why), or nil when the same decision was stored before (a restart replayed its bar): then
    /// nothing may be placed.
    func record(_ signal: SignalRecord, order: Order?) async throws -> SignalRecord?
}
