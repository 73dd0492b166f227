/// Why a strategy's order was decided: its signal, or one of the stops watched on every tick.
public enum ExitTrigger: String, Hashable, Sendable, Codable {
    case signal
    case stopLoss = "stop_loss"
    case takeProfit = "take_profit"
    case trailingStop = "trailing_stop"
}
