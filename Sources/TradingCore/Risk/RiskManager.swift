import Foundation

/// Checks every entry the auto-trader wants against the user's limits and answers approved, resized (and why) or
/// denied (and why). It also keeps the kill switch: once tripped, every new BUY is denied until it is re-armed.
/// Exits are never held back by entry limits. Pure: time and the account come in as arguments.
public struct RiskManager: Hashable, Sendable {
    public let limits: RiskLimits
    /// The charges an order will pay, so an entry leaves cash for them; nil when costs are left out.
    public var charges: ChargeSchedule?
    /// Why the kill switch is tripped, or nil when armed.
    public private(set) var killSwitch: String?
    private var rate: OrderRateWindow

    public init(limits: RiskLimits = RiskLimits(), charges: ChargeSchedule? = ChargeSchedule()) {
        self.limits = limits
        self.charges = charges
        rate = OrderRateWindow(limit: limits.maxOrdersPerSecond)
    }

    public mutating func trip(_ reason: String) { if killSwitch == nil { killSwitch = reason } }
    public mutating func rearm() { killSwitch = nil }

    /// The loss since the day's start has reached `maxDailyLoss`.
    public func dailyLossReached(_ account: RiskAccount) -> Bool {
        guard let limit = limits.maxDailyLoss else { return false }
        return account.dayStartEquity.paise - account.equity.paise >= limit.paise
    }

    /// The decision for a BUY of `symbol` at `price` sized by `sizing`; an approved or resized entry counts towards
    /// the order rate at `now`.
    public mutating func checkEntry(symbol: Symbol, price: Money, sizing: PositionSizing, atr: Double?,
                                    account: RiskAccount, now: Date) -> RiskDecision {
        let requested = sizing.quantity(price: price, equity: account.equity, atr: atr)
        if let killSwitch { return .denied("kill switch tripped: \(killSwitch)", requested: requested) }
        guard requested > 0 else {
            return .denied("\(sizing.label) buys no whole share at \(price)", requested: requested)
        }
        let held = account.exposure[symbol] ?? .zero
        if let max = limits.maxOpenPositions, held.paise == 0, account.openPositions >= max {
            return .denied("\(account.openPositions) positions open, the limit is \(max)", requested: requested)
        }
        var quantity = requested
        var reasons: [String] = []
        func cap(_ room: Money, _ why: @autoclosure () -> String) {
            let fits = max(0, room.paise) / price.paise
            if fits < quantity {
                quantity = fits
                reasons.append(why())
            }
        }
        if quantity > OrderLimits.maxQuantity {
            quantity = OrderLimits.maxQuantity
            reasons.append("at most \(OrderLimits.maxQuantity) shares per order")
        }
        cap(OrderLimits.maxValue, "at most \(OrderLimits.maxValue) per order")
        if let limit = limits.maxOrderValue { cap(limit, "order value capped at \(limit)") }
        if let limit = limits.maxSymbolExposure {
            cap(limit - held, "exposure to \(symbol) capped at \(limit) (\(held) held)")
        }
        if let limit = limits.maxTotalExposure {
            cap(limit - account.totalExposure, "total exposure capped at \(limit) (\(account.totalExposure) held)")
        }
        let affordable = affordableQuantity(price: price, cash: account.cash, upTo: quantity)
        if affordable < quantity {
            quantity = affordable
            reasons.append("cash \(account.cash) covers \(affordable) shares" + (charges == nil ? "" : " with charges"))
        }
        guard quantity > 0 else {
            return .denied(reasons.joined(separator: "; ") + ": no whole share left", requested: requested)
        }
        guard rate.allows(at: now) else {
            return .denied("order rate limit: \(rate.count(at: now)) orders in the last second (at most "
                           + "\(limits.maxOrdersPerSecond))", requested: requested)
        }
        rate.record(now)
        if reasons.isEmpty { return .approved(quantity) }
        return RiskDecision(outcome: .resized, requestedQuantity: requested, quantity: quantity,
                            reason: "resized from \(requested) to \(quantity): " + reasons.joined(separator: "; "))
    }

    /// An exit of `quantity` shares: always approved (stops and sells are never blocked by entry limits); it is
    /// counted towards the order rate so later entries see it.
    public mutating func approveExit(quantity: Int64, now: Date) -> RiskDecision {
        rate.record(now)
        return .approved(quantity)
    }

    /// The most shares, up to `upTo`, whose cost and charges `cash` covers.
    func affordableQuantity(price: Money, cash: Money, upTo: Int64) -> Int64 {
        guard cash.paise > 0 else { return 0 }
        var quantity = min(upTo, cash.paise / price.paise)
        guard let charges else { return quantity }
        while quantity > 0 {
            guard let cost = try? price.multiplied(by: quantity),
                  let fee = try? charges.charges(side: .buy, price: price, quantity: quantity) else { return 0 }
            if cost.paise + fee.total.paise <= cash.paise { return quantity }
            // Charges are a fraction of a percent: step down by what they cost in shares, at least one.
            let excess = cost.paise + fee.total.paise - cash.paise
            quantity -= max(1, excess / price.paise)
        }
        return 0
    }
}
