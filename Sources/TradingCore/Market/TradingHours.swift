import Foundation

/// When a market's prices may fire rules and fill orders. A real feed keeps sending quotes outside the session
/// (pre-open indications, the closing auction's last price, corrections), and acting on them would buy at prices
/// no one can trade at; the simulated market trades around the clock.
public enum TradingHours: String, Sendable, CaseIterable {
    /// NSE cash market: 09:15 to 15:30 IST, Monday to Friday. Exchange holidays are not modelled (a holiday's feed
    /// is silent anyway).
    case nse
    /// Every instant: the simulator, and tests and demos outside market hours.
    case always

    /// 09:15 after IST midnight.
    static let nseOpenSeconds: Int64 = 9 * 3_600 + 15 * 60
    /// 15:30 after IST midnight (the close itself is outside: the continuous session ends there).
    static let nseCloseSeconds: Int64 = 15 * 3_600 + 30 * 60

    /// Whether a quote stamped `time` falls inside the session.
    public func isOpen(at time: Date) -> Bool {
        switch self {
        case .always:
            return true
        case .nse:
            let ist = Int64(time.timeIntervalSince1970.rounded(.down)) + CandleInterval.istOffsetSeconds
            let day = ist >= 0 ? ist / 86_400 : (ist - 86_399) / 86_400
            let secondOfDay = ist - day * 86_400
            // 1970-01-01 was a Thursday: with Sunday as 0 it is weekday 4.
            let weekday = ((day + 4) % 7 + 7) % 7
            guard weekday != 0, weekday != 6 else { return false }
            return secondOfDay >= Self.nseOpenSeconds && secondOfDay < Self.nseCloseSeconds
        }
    }
}
