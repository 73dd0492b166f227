import Foundation

/// A trade the broker reports for an order (whole-order fills: StockCart orders fill completely or not at all).
public struct Execution: Hashable, Sendable {
    public var orderID: OrderID
    public var price: Money
    public var time: Date
    public init(orderID: OrderID, price: Money, time: Date) {
        self.orderID = orderID
        self.price = price
        self.time = time
    }
}

/// Executes orders: the paper broker by default, a real broker connection otherwise.
public protocol Broker: Sendable {
    /// `paper`, `angelone`, …
    var name: String { get }
    /// Hands a stored, pending order to the broker.
    func submit(_ order: Order) async throws
    /// Withdraws a pending order; false if the broker no longer holds it (already filled or unknown).
    func cancel(_ id: OrderID) async -> Bool
    /// Lets the broker see a market tick; a simulated broker answers with the executions it causes.
    func onTick(_ tick: Tick) -> [Execution]
}

/// Settles an execution durably: in one transaction, moves the order to EXECUTED (updating cash, holding and the
/// trade record) or to FAILED with a reason when cash or holdings do not allow it. Returns the order as stored, or
/// nil when the order is no longer pending (cancelled meanwhile, or settled already).
///
/// The engine calls `settle` again with the same execution after a failure, until it commits (a failure may also
/// come after the commit, when the connection drops on the reply), so settling an execution twice must change
/// nothing the second time: that is what the "only a pending order" rule guarantees.
public protocol ExecutionRecorder: Sendable {
    func settle(_ execution: Execution) async throws -> Order?
}
