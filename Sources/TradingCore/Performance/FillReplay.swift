import Foundation

/// Replays fills, oldest first, into what a performance page shows: the round trips they make (each sell closes
/// the oldest shares bought first, FIFO, with each leg's charges shared by quantity), and cash and holdings at any
/// moment, so equity can be valued at each day's close or each bar of today.
public struct FillReplay: Sendable {
    /// Shares bought and not yet sold: a lot each.
    struct Lot {
        var time: Date
        var quantity: Int64
        var price: Money
        /// The charges of the lot's remaining shares.
        var charges: Int64
    }

    public private(set) var cash: Money
    public private(set) var closed: [ClosedTrade] = []
    private var lots: [Symbol: [Lot]] = [:]

    public init(cash: Money) { self.cash = cash }

    /// Shares held per symbol.
    public var holdings: [Symbol: Int64] {
        lots.compactMapValues { lots in
            let total = lots.reduce(Int64(0)) { $0 + $1.quantity }
            return total > 0 ? total : nil
        }
    }

    /// The cost of the shares held per symbol (their buy prices, charges left out, as average prices are).
    public var costs: [Symbol: Money] {
        lots.compactMapValues { lots in
            let cost = lots.reduce(Int64(0)) { $0 + $1.price.paise * $1.quantity }
            return cost > 0 ? Money(paise: cost) : nil
        }
    }

    public mutating func apply(_ fill: Fill) {
        cash = Money(paise: cash.paise + fill.cashFlow)
        switch fill.side {
        case .buy:
            lots[fill.symbol, default: []].append(Lot(time: fill.time, quantity: fill.quantity, price: fill.price,
                                                      charges: fill.charges.paise))
        case .sell:
            var left = fill.quantity
            var sellCharges = fill.charges.paise
            var queue = lots[fill.symbol] ?? []
            while left > 0, !queue.isEmpty {
                let take = min(left, queue[0].quantity)
                let entryShare = queue[0].charges * take / queue[0].quantity
                let exitShare = left == take ? sellCharges : sellCharges * take / left
                closed.append(ClosedTrade(symbol: fill.symbol, quantity: take, entryTime: queue[0].time,
                                          entryPrice: queue[0].price, exitTime: fill.time, exitPrice: fill.price,
                                          charges: Money(paise: entryShare + exitShare)))
                queue[0].quantity -= take
                queue[0].charges -= entryShare
                sellCharges -= exitShare
                left -= take
                if queue[0].quantity == 0 { queue.removeFirst() }
            }
            lots[fill.symbol] = queue.isEmpty ? nil : queue
        }
    }

    /// Cash plus the shares held at `price` (a symbol without one is valued at its cost).
    public func equity(price: (Symbol) -> Money?) -> Money {
        var total = cash.paise
        for (symbol, lots) in lots {
            for lot in lots { total += (price(symbol) ?? lot.price).paise * lot.quantity }
        }
        return Money(paise: total)
    }
}
