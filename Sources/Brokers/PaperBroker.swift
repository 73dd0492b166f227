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

    /// The waiting orders of every symbol, and how many orders have arrived (each order's place in time).
    private struct Books {
        var bySymbol: [Symbol: RestingOrderBook] = [:]
        var arrivals: UInt64 = 0
    }

    private let books = Mutex(Books())

    public init() {}

    public func submit(_ order: Order) async throws {
        accept(order)
    }

    /// Takes an order at once, for callers that decide and match on the same tick (the auto-trader's orders are
    /// matched against the very tick they were decided on, live and in a backtest).
    public func accept(_ order: Order) {
        books.withLock { books in
            books.arrivals += 1
            books.bySymbol[order.symbol, default: RestingOrderBook()].add(order, sequence: books.arrivals)
        }
    }

    /// Asks each symbol's book (one hash probe each): cancelling is rare next to ticks and placements, and a map
    /// from every order to its symbol would cost memory per resting order.
    public func cancel(_ id: OrderID) async -> Bool {
        books.withLock { books in
            guard let symbol = books.bySymbol.first(where: { $0.value.contains(id) })?.key else { return false }
            let removed = books.bySymbol[symbol]?.remove(id) ?? false
            if books.bySymbol[symbol]?.isEmpty == true { books.bySymbol[symbol] = nil }
            return removed
        }
    }

    public func acceptImmediately(_ order: Order) -> Bool {
        accept(order)
        return true
    }

    /// Lets go of the waiting orders of some symbols without cancelling them (another instance matches them now);
    /// how many there were.
    @discardableResult
    public func forget(symbols: Set<Symbol>) -> Int {
        books.withLock { books in
            symbols.reduce(0) { count, symbol in count + (books.bySymbol.removeValue(forKey: symbol)?.count ?? 0) }
        }
    }

    /// Takes those of `orders` its book does not hold already, in one step (an order announced twice, or loaded from
    /// the database after it was announced, is neither added twice nor loses its place in time); how many it took.
    @discardableResult
    public func acceptUnheld(_ orders: [Order]) -> Int {
        books.withLock { books in
            var taken = 0
            for order in orders where books.bySymbol[order.symbol]?.contains(order.id) != true {
                books.arrivals += 1
                books.bySymbol[order.symbol, default: RestingOrderBook()].add(order, sequence: books.arrivals)
                taken += 1
            }
            return taken
        }
    }

    /// Whether `order` is waiting in this broker's book.
    public func holds(_ order: Order) -> Bool {
        books.withLock { $0.bySymbol[order.symbol]?.contains(order.id) ?? false }
    }

    /// Orders waiting for a tick, across all symbols.
    public var pendingCount: Int { books.withLock { $0.bySymbol.values.reduce(0) { $0 + $1.count } } }

    /// Fills what this tick reaches, oldest order first; the cost is in the orders filled, not those left waiting.
    public func onTick(_ tick: Tick) -> [Execution] {
        books.withLock { books in
            guard let filled = books.bySymbol[tick.symbol]?.fill(at: tick.price), !filled.isEmpty else { return [] }
            if books.bySymbol[tick.symbol]?.isEmpty == true { books.bySymbol[tick.symbol] = nil }
            return filled.map { Execution(orderID: $0, price: tick.price, time: tick.time) }
        }
    }
}
