import Brokers
import Foundation
import TestSupport
import Testing
import TradingCore

/// The paper broker keeps waiting orders in price-ordered heaps; these runs hold it to the plain rule it replaces
/// (on every tick, every waiting order that is marketable at the tick's price fills, oldest first), by driving it and
/// a straightforward list that scans every order with the same random stream of orders, cancellations and ticks.
@Suite("PaperBroker: the order book fills what a full scan would")
struct RestingOrderBookTests {
    /// The rule, written as plainly as possible: scan everything.
    struct ScanningModel {
        var waiting: [Order] = []

        mutating func fill(_ tick: Tick) -> [OrderID] {
            let (filled, kept) = waiting.reduce(into: ([Order](), [Order]())) { split, order in
                if order.symbol == tick.symbol && order.isMarketable(at: tick.price) {
                    split.0.append(order)
                } else {
                    split.1.append(order)
                }
            }
            waiting = kept
            return filled.map(\.id)
        }

        mutating func cancel(_ id: OrderID) -> Bool {
            guard let index = waiting.firstIndex(where: { $0.id == id }) else { return false }
            waiting.remove(at: index)
            return true
        }
    }

    @Test("random orders, cancellations and ticks: the same fills, in the same order", arguments: [1, 2, 3, 4] as [UInt64])
    func matchesFullScan(seed: UInt64) async throws {
        var random = TestRandom(seed: 20_261_130 &+ seed)
        let broker = PaperBroker()
        var model = ScanningModel()
        let symbols: [Symbol] = ["INFY", "TCS", "ITC"]
        var submitted: [OrderID] = []
        // Prices on a narrow grid, so that equal limits and ticks exactly at a limit are common.
        func price() -> Money { Money(paise: Int64.random(in: 99_000...101_000, using: &random) / 50 * 50) }
        for step in 1...6_000 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let limit: Money? = Int.random(in: 0..<6, using: &random) == 0 ? nil : price()
                let order = try Order(
                    id: orderID(step), owner: trader, symbol: symbols.randomElement(using: &random)!,
                    side: Bool.random(using: &random) ? .buy : .sell, type: limit == nil ? .market : .limit,
                    quantity: 1, limitPrice: limit, createdAt: marketOpen)
                try await broker.submit(order)
                model.waiting.append(order)
                submitted.append(order.id)
            case 5..<7:
                // Often a waiting order, sometimes one already filled or cancelled.
                guard let id = submitted.randomElement(using: &random) else { continue }
                #expect(await broker.cancel(id) == model.cancel(id), "cancel at step \(step)")
            default:
                let tick = Tick(symbol: symbols.randomElement(using: &random)!, price: price(), volume: 1,
                                time: marketOpen.addingTimeInterval(TimeInterval(step)))
                let expected = model.fill(tick)
                let executions = broker.onTick(tick)
                #expect(executions.map(\.orderID) == expected, "tick at step \(step)")
                #expect(executions.allSatisfy { $0.price == tick.price && $0.time == tick.time })
            }
            if step.isMultiple(of: 500) { #expect(broker.pendingCount == model.waiting.count) }
        }
    }

    @Test("cancelling most of a large book leaves the rest intact and fillable")
    func massCancellation() async throws {
        let broker = PaperBroker()
        // Limits 1.00 … 5,000.00; all but every 16th cancelled: more cancellations than the book rebuilds after.
        let orders = try (1...5_000).map { try makeOrder($0, "ITC", .buy, limit: "\($0).00") }
        for order in orders { try await broker.submit(order) }
        let kept = orders.enumerated().filter { $0.offset.isMultiple(of: 16) }.map(\.element)
        for (offset, order) in orders.enumerated() where !offset.isMultiple(of: 16) {
            #expect(await broker.cancel(order.id))
        }
        #expect(broker.pendingCount == kept.count)
        // A tick at 2,000.00 fills the BUYs limited at or above it, oldest first, and no others.
        let filled = broker.onTick(tick("ITC", "2000.00")).map(\.orderID)
        #expect(filled == kept.filter { $0.limitPrice!.paise >= 200_000 }.map(\.id))
        #expect(broker.pendingCount == kept.count - filled.count)
        #expect(broker.onTick(tick("ITC", "0.05")).count == kept.count - filled.count)
    }
}
