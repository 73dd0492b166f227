import Synchronization
import TradingCore

/// The default broker: simulated execution against the live (or replayed) tick stream, no money at risk.
///
/// A MARKET order fills at the price of the first tick of its symbol after it was submitted; a LIMIT order fills at
/// the first tick at or better than its limit, at that tick's price. Orders fill whole. The broker only decides
/// *when and at what price*; cash, holdings and charges are settled by the `ExecutionRecorder`, which may still fail
/// the order (for example when a market order's fill costs more cash than is left). A filled order leaves the broker
/// for good: if its settlement fails, the engine retries that same execution, it is never filled a second time.
public final class PaperBroker: Broker {
    public let name = "paper"

    /// Pending orders per symbol, oldest first (price-time priority is irrelevant for a price taker).
    private let pending = Mutex<[Symbol: [Order]]>([:])

    public init() {}

    public func submit(_ order: Order) async throws {
        pending.withLock { $0[order.symbol, default: []].append(order) }
    }

    public func cancel(_ id: OrderID) async -> Bool {
        pending.withLock { book in
            for (symbol, orders) in book {
                if let index = orders.firstIndex(where: { $0.id == id }) {
                    book[symbol]?.remove(at: index)
                    return true
                }
            }
            return false
        }
    }

    /// Orders waiting for a tick, across all symbols.
    public var pendingCount: Int { pending.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    public func onTick(_ tick: Tick) -> [Execution] {
        pending.withLock { book in
            guard let orders = book[tick.symbol], !orders.isEmpty else { return [] }
            var executions: [Execution] = []
            var waiting: [Order] = []
            for order in orders {
                if order.isMarketable(at: tick.price) {
                    executions.append(Execution(orderID: order.id, price: tick.price, time: tick.time))
                } else {
                    waiting.append(order)
                }
            }
            book[tick.symbol] = waiting.isEmpty ? nil : waiting
            return executions
        }
    }
}
