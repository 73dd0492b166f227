import Foundation

/// How many shares an entry asks for, before the risk limits trim it.
public enum PositionSizing: Hashable, Sendable {
    /// The same number of shares every time.
    case fixedQuantity(Int64)
    /// As many whole shares as this amount buys.
    case fixedAmount(Money)
    /// As many whole shares as this percentage of the account's equity buys (100: everything, as backtests do).
    case percentOfEquity(Double)
    /// Risks `riskPercent` of equity per trade with a stop `atrMultiple` average true ranges (14 bars) away:
    /// shares = equity × risk% ÷ (ATR × multiple).
    case atrRisk(riskPercent: Double, atrMultiple: Double)

    /// The period of the average true range that `atrRisk` reads.
    public static let atrPeriod = 14

    /// The shares asked for at `price`; `atr` is the latest average true range in rupees (nil before it has one,
    /// which sizes an ATR entry at zero). Never negative.
    public func quantity(price: Money, equity: Money, atr: Double?) -> Int64 {
        guard price.paise > 0 else { return 0 }
        let shares: Double
        switch self {
        case .fixedQuantity(let quantity): return max(0, quantity)
        case .fixedAmount(let amount): return max(0, amount.paise / price.paise)
        case .percentOfEquity(let percent):
            if percent >= 100 { return max(0, equity.paise / price.paise) }
            shares = Double(equity.paise) * percent / 100 / Double(price.paise)
        case let .atrRisk(riskPercent, atrMultiple):
            guard let atr, atr > 0 else { return 0 }
            shares = Double(equity.paise) / 100 * riskPercent / 100 / (atr * atrMultiple)
        }
        guard shares.isFinite, shares > 0 else { return 0 }
        return Int64(min(shares, Double(OrderLimits.maxQuantity)).rounded(.down))
    }

    /// `fixed quantity 10`, `5% of equity`, …: how it reads in a risk decision.
    public var label: String {
        switch self {
        case .fixedQuantity(let quantity): "fixed quantity \(quantity)"
        case .fixedAmount(let amount): "fixed amount \(amount)"
        case .percentOfEquity(let percent): "\(SignalRecipe.format(percent))% of equity"
        case let .atrRisk(risk, multiple):
            "\(SignalRecipe.format(risk))% of equity at risk over \(SignalRecipe.format(multiple)) ATR"
        }
    }
}
