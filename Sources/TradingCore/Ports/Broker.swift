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

/// A pending order that ended without a fill, as the broker reports it: refused (`failed`) or withdrawn
/// (`cancelled`, by the user at the broker or by the exchange at the end of the day).
public struct OrderClosure: Hashable, Sendable {
    public var orderID: OrderID
    /// `.failed` or `.cancelled`.
    public var status: OrderStatus
    /// The broker's words, for the user.
    public var reason: String
    public var time: Date

    public init(orderID: OrderID, status: OrderStatus, reason: String, time: Date) {
        self.orderID = orderID
        self.status = status
        self.reason = reason
        self.time = time
    }
}

/// What a broker that executes away from the tick stream (a real one) learns about its orders.
public enum BrokerReport: Hashable, Sendable {
    case executed(Execution)
    case closed(OrderClosure)
}

/// Executes orders: the paper broker by default, a real broker connection otherwise.
public protocol Broker: Sendable {
    /// `paper`, `angelone`, …
    var name: String { get }
    /// Hands a stored, pending order to the broker.
    func submit(_ order: Order) async throws
    /// Hands back, at start-up, an order that was pending when the server stopped. A simulated broker takes it as a
    /// new submission; a real one looks it up (it may have filled meanwhile) and never places it twice.
    func resume(_ order: Order) async throws
    /// Withdraws a pending order; false if the broker no longer holds it (already filled or unknown).
    func cancel(_ id: OrderID) async -> Bool
    /// True when a successful `cancel` is only a request the broker confirms later through `reports` (a real
    /// exchange may fill the order first): the caller then waits for that report instead of recording the
    /// cancellation itself. False when `cancel` returning true means the order can no longer fill (the paper broker).
    var confirmsCancellations: Bool { get }
    /// Lets the broker see a market tick; a simulated broker answers with the executions it causes.
    func onTick(_ tick: Tick) -> [Execution]
    /// Fills and closures learnt away from ticks (a real broker's order updates); nil for a broker whose fills come
    /// only from `onTick`. One consumer: the engine.
    var reports: AsyncStream<BrokerReport>? { get }
    /// Why `owner`'s orders cannot be taken now (no broker account, a session that needs reconnecting), or nil. Asked
    /// before an order is stored, so a user is told at once instead of finding a failed order later.
    func refusal(for owner: UserID) async -> String?
    /// Takes an order synchronously, before it is stored, so it is matched against the very tick it was decided on
    /// (the auto-trader's orders; the engine stores each before its fill is settled, in order). True when taken;
    /// false for a broker that can only take stored orders through `submit` (a real one).
    func acceptImmediately(_ order: Order) -> Bool
}

extension Broker {
    public var confirmsCancellations: Bool { false }
    public func resume(_ order: Order) async throws { try await submit(order) }
    public var reports: AsyncStream<BrokerReport>? { nil }
    public func refusal(for owner: UserID) async -> String? { nil }
    public func acceptImmediately(_ order: Order) -> Bool { false }
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
    /// Moves a pending order to the closure's status (FAILED or CANCELLED) with its reason, releasing what it
    /// reserved, in one transaction; nil when the order is no longer pending (so a repeat changes nothing).
    func close(_ closure: OrderClosure) async throws -> Order?
}
