import Foundation

/// An exact amount of Indian rupees, held as integer paise (1/100 rupee).
///
/// All domain arithmetic is on `paise`, so sums of prices and charges never drift. Conversion to and from rupee
/// numbers happens only at the edges (JSON, CSV, display). A price is a `Money` too; prices on the NSE equity grid
/// are multiples of `Money.tickSize` (₹0.05).
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var paise: Int64

    public init(paise: Int64) { self.paise = paise }

    /// The NSE equity tick size: ₹0.05.
    public static let tickSize = Money(paise: 5)
    public static let zero = Money(paise: 0)

    /// Parses a rupee amount given as a decimal number, rejecting more than two decimals.
    /// Returns nil for NaN, infinities, values that do not fit, or sub-paisa precision.
    public init?(rupees value: Double) {
        // Up to ₹10,000 crore: far beyond any share price or account, and small enough that a Double still
        // resolves well under a paisa.
        guard value.isFinite, abs(value) < 1.0e11 else { return nil }
        let scaled = value * 100
        let rounded = scaled.rounded()
        // Binary doubles cannot hold 2750.12 exactly. Storing the decimal and multiplying by 100 are off by less than
        // two units in the last place of `scaled` (a millionth of a paisa for small amounts, up to ~0.004 paise near
        // the bound), so anything that close to a whole paisa is the decimal the user wrote.
        guard abs(scaled - rounded) <= Swift.max(1e-6, 2 * scaled.ulp) else { return nil }
        self.paise = Int64(rounded)
    }

    /// An exact rupee amount from a `Decimal`, rejecting sub-paisa precision, NaN and values that do not fit.
    public init?(rupees value: Decimal) {
        // NaN, and amounts beyond the same ₹10,000 crore bound, would otherwise convert to a bogus paise count (₹0).
        guard !value.isNaN, abs(value) < 100_000_000_000 else { return nil }
        var scaled = value * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded == scaled else { return nil }
        let number = NSDecimalNumber(decimal: rounded)
        self.paise = number.int64Value
    }

    /// The amount in rupees as a `Decimal` (exact).
    public var rupees: Decimal { Decimal(paise) / 100 }

    /// The amount in rupees as plain text, as `rupees` prints it ("2750", "2750.5", "-0.05"): no grouping, no
    /// trailing zeros. Integer arithmetic only: the `Decimal` division behind `rupees` was 3 % of a rule's CPU when
    /// its audit line was built from it.
    public var rupeesText: String {
        let magnitude = paise.magnitude
        let whole = String(magnitude / 100)
        let fraction = magnitude % 100
        let sign = paise < 0 ? "-" : ""
        if fraction == 0 { return sign + whole }
        if fraction % 10 == 0 { return sign + whole + "." + String(fraction / 10) }
        return sign + whole + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// The amount in rupees as a `Double`, for the wire only (two decimals always round-trip).
    public var rupeesDouble: Double { Double(paise) / 100 }

    /// Whether the amount lies on the ₹0.05 grid.
    public var isOnTickGrid: Bool { paise % Money.tickSize.paise == 0 }

    /// The nearest price on the ₹0.05 grid (never below one tick).
    public func roundedToTick() -> Money {
        let tick = Money.tickSize.paise
        let lower = (paise / tick) * tick
        let upper = lower + tick
        let nearest = (paise - lower) * 2 >= tick ? upper : lower
        return Money(paise: max(tick, nearest))
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.paise < rhs.paise }

    // The operators trap on overflow, like Int64's. They are for amounts already known to be small (bounded prices,
    // charges, a few of them added up). A price times a quantity, and any sum whose terms a user can grow, goes
    // through the checked forms below, which throw instead: a request must never be able to stop the process.
    public static func + (lhs: Money, rhs: Money) -> Money { Money(paise: lhs.paise + rhs.paise) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(paise: lhs.paise - rhs.paise) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.paise += rhs.paise }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.paise -= rhs.paise }
    public static prefix func - (value: Money) -> Money { Money(paise: -value.paise) }

    /// The amount times `quantity` (the value of that many shares at this price), or `AmountOutOfRange`.
    public func multiplied(by quantity: Int64) throws(AmountOutOfRange) -> Money {
        let (product, overflow) = paise.multipliedReportingOverflow(by: quantity)
        guard !overflow else { throw AmountOutOfRange(operation: "\(self) × \(quantity)") }
        return Money(paise: product)
    }

    /// The sum of two amounts, or `AmountOutOfRange`.
    public func adding(_ other: Money) throws(AmountOutOfRange) -> Money {
        let (sum, overflow) = paise.addingReportingOverflow(other.paise)
        guard !overflow else { throw AmountOutOfRange(operation: "\(self) + \(other)") }
        return Money(paise: sum)
    }

    /// The difference of two amounts, or `AmountOutOfRange`.
    public func subtracting(_ other: Money) throws(AmountOutOfRange) -> Money {
        let (difference, overflow) = paise.subtractingReportingOverflow(other.paise)
        guard !overflow else { throw AmountOutOfRange(operation: "\(self) − \(other)") }
        return Money(paise: difference)
    }

    /// "₹2,800.50" style, Indian digit grouping (lakh, crore).
    public var description: String { MoneyFormatter.format(self) }
}
