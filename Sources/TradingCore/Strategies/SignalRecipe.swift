/// A strategy kind with every parameter resolved and checked: what a `SignalGenerator` is built from.
public enum SignalRecipe: Hashable, Sendable {
    case smaCross(fast: Int, slow: Int)
    case emaCross(fast: Int, slow: Int)
    case rsi(period: Int, oversold: Double, overbought: Double)
    case macdCross(fast: Int, slow: Int, signal: Int)
    case bollingerBreakout(period: Int, deviations: Double)
    case bollingerReversion(period: Int, deviations: Double)

    /// The longest period accepted: 1,000 bars is four years of daily bars, more than any chart shows.
    public static let maxPeriod = 1_000

    /// Resolves `parameters` over the kind's defaults; a `ValidationError` names the first bad field
    /// (`parameters.fast`): an unknown name, a period that is not a whole number in 1…1000, a fast period not below
    /// the slow one, RSI levels outside 0–100 or not oversold < overbought, band deviations outside (0, 10].
    public init(kind: StrategyKind, parameters: [String: Double] = [:]) throws(ValidationError) {
        let known = Set(kind.defaults.map(\.name))
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw ValidationError(field: "parameters.\(unknown)", reason: "\(kind.rawValue) has no parameter "
                + "\(unknown) (it takes \(kind.defaults.map(\.name).joined(separator: ", ")))")
        }
        var values: [String: Double] = [:]
        for (name, value) in kind.defaults { values[name] = parameters[name] ?? value }
        for (name, value) in values where !value.isFinite {
            throw ValidationError(field: "parameters.\(name)", reason: "\(name) must be a finite number")
        }
        func period(_ name: String) throws(ValidationError) -> Int {
            let value = values[name]!
            guard value.rounded() == value, value >= 1, value <= Double(Self.maxPeriod) else {
                throw ValidationError(field: "parameters.\(name)",
                                      reason: "\(name) must be a whole number of bars from 1 to \(Self.maxPeriod)")
            }
            return Int(value)
        }
        func fastBelowSlow() throws(ValidationError) -> (Int, Int) {
            let (fast, slow) = (try period("fast"), try period("slow"))
            guard fast < slow else {
                throw ValidationError(field: "parameters.fast", reason: "fast (\(fast)) must be below slow (\(slow))")
            }
            return (fast, slow)
        }
        func deviations() throws(ValidationError) -> Double {
            let value = values["deviations"]!
            guard value > 0, value <= 10 else {
                throw ValidationError(field: "parameters.deviations", reason: "deviations must be above 0 and at most 10")
            }
            return value
        }
        switch kind {
        case .smaCross:
            let (fast, slow) = try fastBelowSlow()
            self = .smaCross(fast: fast, slow: slow)
        case .emaCross:
            let (fast, slow) = try fastBelowSlow()
            self = .emaCross(fast: fast, slow: slow)
        case .rsi:
            let period = try period("period")
            let (oversold, overbought) = (values["oversold"]!, values["overbought"]!)
            for (name, level) in [("oversold", oversold), ("overbought", overbought)] where !(0...100).contains(level) {
                throw ValidationError(field: "parameters.\(name)", reason: "\(name) must be from 0 to 100")
            }
            guard oversold < overbought else {
                throw ValidationError(field: "parameters.oversold",
                                      reason: "oversold (\(Self.format(oversold))) must be below overbought (\(Self.format(overbought)))")
            }
            self = .rsi(period: period, oversold: oversold, overbought: overbought)
        case .macdCross:
            let (fast, slow) = try fastBelowSlow()
            self = .macdCross(fast: fast, slow: slow, signal: try period("signal"))
        case .bollingerBreakout:
            self = .bollingerBreakout(period: try period("period"), deviations: try deviations())
        case .bollingerReversion:
            self = .bollingerReversion(period: try period("period"), deviations: try deviations())
        }
    }

    public var kind: StrategyKind {
        switch self {
        case .smaCross: .smaCross
        case .emaCross: .emaCross
        case .rsi: .rsi
        case .macdCross: .macdCross
        case .bollingerBreakout: .bollingerBreakout
        case .bollingerReversion: .bollingerReversion
        }
    }

    /// The resolved parameters by name, as stored and shown.
    public var parameters: [String: Double] {
        switch self {
        case let .smaCross(fast, slow), let .emaCross(fast, slow): ["fast": Double(fast), "slow": Double(slow)]
        case let .rsi(period, oversold, overbought):
            ["period": Double(period), "oversold": oversold, "overbought": overbought]
        case let .macdCross(fast, slow, signal): ["fast": Double(fast), "slow": Double(slow), "signal": Double(signal)]
        case let .bollingerBreakout(period, deviations), let .bollingerReversion(period, deviations):
            ["period": Double(period), "deviations": deviations]
        }
    }

    /// A short label: `SMA(10, 30) cross`.
    public var label: String {
        switch self {
        case let .smaCross(fast, slow): "SMA(\(fast), \(slow)) cross"
        case let .emaCross(fast, slow): "EMA(\(fast), \(slow)) cross"
        case let .rsi(period, oversold, overbought):
            "RSI(\(period)) \(Self.format(oversold))/\(Self.format(overbought))"
        case let .macdCross(fast, slow, signal): "MACD(\(fast), \(slow), \(signal)) cross"
        case let .bollingerBreakout(period, deviations): "Bollinger(\(period), \(Self.format(deviations))) breakout"
        case let .bollingerReversion(period, deviations):
            "Bollinger(\(period), \(Self.format(deviations))) mean reversion"
        }
    }

    public static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}
