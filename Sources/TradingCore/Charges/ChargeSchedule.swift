import Foundation

/// Indian equity-delivery transaction costs for one executed order (NSE, per side), as in the charges table of
/// `shared/reference/protocols.md` §8. Rates are exact decimals; each component is rounded to the paisa (half up),
/// STT optionally to the rupee as contract notes do, and the total is the sum of the rounded components.
public struct ChargeSchedule: Hashable, Sendable {
    /// How the broker's own fee is worked out.
    public enum Brokerage: Hashable, Sendable {
        /// The same fee for every executed order (₹20 is common; ₹0 for discount delivery).
        case flat(Money)
        /// A fraction of the trade value, capped and floored (Angel One: 0.1%, at most ₹20, at least ₹2).
        case percent(rate: Decimal, cap: Money, floor: Money)
    }

    /// How STT is rounded.
    public enum STTRounding: String, Hashable, Sendable {
        case paisa
        case rupee
    }

    public var brokerage: Brokerage
    public var sttRate: Decimal = Decimal(string: "0.001")!            // 0.1 %, buy and sell
    public var exchangeRate: Decimal = Decimal(string: "0.0000297")!   // NSE 0.00297 %, each side
    public var sebiRate: Decimal = Decimal(string: "0.000001")!        // ₹10 per crore, each side
    public var stampDutyRate: Decimal = Decimal(string: "0.00015")!    // 0.015 %, buy side only
    public var gstRate: Decimal = Decimal(string: "0.18")!             // on brokerage + exchange + SEBI
    public var sttRounding: STTRounding = .paisa

    public init(brokerage: Brokerage = .flat(Money(paise: 2_000)), sttRounding: STTRounding = .paisa) {
        self.brokerage = brokerage
        self.sttRounding = sttRounding
    }

    /// The charges for executing `quantity` shares at `price` on `side`; `AmountOutOfRange` when the trade's value,
    /// or any charge on it, does not fit in `Money` (never for an order within `OrderLimits`).
    public func charges(side: OrderSide, price: Money, quantity: Int64) throws(AmountOutOfRange) -> ChargeBreakdown {
        // The turnover itself must be a representable amount; the rates then keep every component far smaller.
        _ = try price.multiplied(by: quantity)
        let turnover = price.rupees * Decimal(quantity)
        let brokerageRupees: Decimal
        switch brokerage {
        case .flat(let fee):
            brokerageRupees = fee.rupees
        case .percent(let rate, let cap, let floor):
            brokerageRupees = Swift.max(floor.rupees, Swift.min(cap.rupees, turnover * rate))
        }
        let brokerageFee = try Self.round(brokerageRupees)
        let stt = try sttRounding == .rupee ? Self.round(turnover * sttRate, scale: 0) : Self.round(turnover * sttRate)
        let exchange = try Self.round(turnover * exchangeRate)
        let sebi = try Self.round(turnover * sebiRate)
        let stamp = side == .buy ? try Self.round(turnover * stampDutyRate) : .zero
        // GST is levied on the unrounded service charges; rounding it once keeps the worked example exact.
        let gst = try Self.round((brokerageRupees + turnover * exchangeRate + turnover * sebiRate) * gstRate)
        return ChargeBreakdown(brokerage: brokerageFee, stt: stt, exchange: exchange, sebi: sebi, stampDuty: stamp, gst: gst)
    }

    /// The largest magnitude of one component, in paise: an eighth of `Int64.max`, so that adding up the six
    /// components of a breakdown (`total`) can never overflow.
    static let componentLimit = Decimal(Int64.max / 8)

    /// Rounds a rupee amount half-up to `scale` decimals and returns it as `Money`; `AmountOutOfRange` beyond
    /// `componentLimit` (where converting the `Decimal` to an integer would silently give a wrong number).
    static func round(_ rupees: Decimal, scale: Int = 2) throws(AmountOutOfRange) -> Money {
        var value = rupees
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, scale, .plain)
        let paise = rounded * 100
        guard !paise.isNaN, abs(paise) <= componentLimit else {
            throw AmountOutOfRange(operation: "a charge of \(rounded) rupees")
        }
        return Money(paise: NSDecimalNumber(decimal: paise).int64Value)
    }
}

/// The components of one order's charges; `total` is their sum.
public struct ChargeBreakdown: Hashable, Sendable {
    public var brokerage: Money
    public var stt: Money
    public var exchange: Money
    public var sebi: Money
    public var stampDuty: Money
    public var gst: Money

    public init(brokerage: Money, stt: Money, exchange: Money, sebi: Money, stampDuty: Money, gst: Money) {
        self.brokerage = brokerage
        self.stt = stt
        self.exchange = exchange
        self.sebi = sebi
        self.stampDuty = stampDuty
        self.gst = gst
    }

    public static let zero = ChargeBreakdown(brokerage: .zero, stt: .zero, exchange: .zero, sebi: .zero,
                                             stampDuty: .zero, gst: .zero)

    public var total: Money { brokerage + stt + exchange + sebi + stampDuty + gst }

    /// Component by component, as a report adds up the charges of many orders.
    public static func + (lhs: ChargeBreakdown, rhs: ChargeBreakdown) -> ChargeBreakdown {
        ChargeBreakdown(brokerage: lhs.brokerage + rhs.brokerage, stt: lhs.stt + rhs.stt,
                        exchange: lhs.exchange + rhs.exchange, sebi: lhs.sebi + rhs.sebi,
                        stampDuty: lhs.stampDuty + rhs.stampDuty, gst: lhs.gst + rhs.gst)
    }
}
