/// The kinds of strategy a user can configure, each with its parameters' names and defaults.
///
/// The raw value is the name used on the command line and in the API (`sma-cross`, `rsi`, …).
public enum StrategyKind: String, CaseIterable, Codable, Sendable {
    /// Long when the fast simple moving average crosses above the slow one; out when it crosses below.
    case smaCross = "sma-cross"
    /// The same crossover on exponential moving averages (seeded as TA-Lib seeds them).
    case emaCross = "ema-cross"
    /// Buys when Wilder's RSI falls into oversold; sells when it rises into overbought.
    case rsi = "rsi"
    /// Buys when the MACD line crosses above its signal line; sells when it crosses below.
    case macdCross = "macd-cross"
    /// Buys when the close breaks above the upper Bollinger band; sells when it falls below the lower band.
    case bollingerBreakout = "bollinger-breakout"
    /// Buys when the close falls below the lower band; sells when it climbs back above the middle band.
    case bollingerReversion = "bollinger-reversion"

    /// Every parameter this kind takes, with its default, in the order they are listed to users.
    public var defaults: [(name: String, value: Double)] {
        switch self {
        case .smaCross: [("fast", 10), ("slow", 30)]
        case .emaCross: [("fast", 12), ("slow", 26)]
        case .rsi: [("period", 14), ("oversold", 30), ("overbought", 70)]
        case .macdCross: [("fast", 12), ("slow", 26), ("signal", 9)]
        case .bollingerBreakout, .bollingerReversion: [("period", 20), ("deviations", 2)]
        }
    }

    /// The names accepted in a list for error messages: `"sma-cross, ema-cross, …"`.
    public static var namesList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
