import AngelOne
import Foundation

/// Where Angel One lives and the system account the market feed logs in with (`ANGELONE_*`).
/// Its description hides the PIN and the TOTP secret, so a logged configuration leaks nothing.
public struct AngelOneSettings: Sendable, CustomStringConvertible {
    public var apiURL = "https://apiconnect.angelone.in"
    public var streamURL = "wss://smartapisocket.angelone.in/smart-stream"
    public var orderStreamURL = "wss://tns.angelone.in/smart-order-update"
    public var instrumentsURL = "https://margincalculator.angelbroking.com/OpenAPI_File/files/OpenAPIScripMaster.json"
    /// The market feed's account; nil unless all four `ANGELONE_API_KEY`, `…_CLIENT_CODE`, `…_PIN` and
    /// `…_TOTP_SECRET` are set.
    public var feedAccount: AngelOneCredentials?
    /// When the sessions log in afresh each day, in IST minutes after midnight (08:45: before the 09:00 pre-open,
    /// after SmartAPI's overnight session reset).
    public var dailyLoginMinute = 8 * 60 + 45
    /// Client-side request limits per endpoint class (`ANGELONE_RATE_LIMITS`), the documented table by default.
    public var rateLimits = SmartAPIRateLimits.documented

    public init() {}

    public var description: String {
        "AngelOneSettings(api \(apiURL), stream \(streamURL), order stream \(orderStreamURL), "
            + "instruments \(instrumentsURL), feed account \(feedAccount?.clientCode ?? "none"), "
            + "daily login \(dailyLoginMinute / 60):\(dailyLoginMinute % 60) IST)"
    }
}

extension AngelOneSettings {
    /// Reads the `ANGELONE_*` variables through `value` (which answers nil for unset or empty ones). The feed's
    /// account is all four variables or none; `feedNeedsAccount` makes it required.
    static func fromEnvironment(_ value: (String) -> String?, feedNeedsAccount: Bool) throws(AppConfig.Invalid)
        -> AngelOneSettings {
        var settings = AngelOneSettings()
        func url(_ name: String, schemes: Set<String>) throws(AppConfig.Invalid) -> String? {
            try AppConfig.url(name, value(name), schemes: schemes)
        }
        if let found = try url("ANGELONE_API_URL", schemes: ["https", "http"]) { settings.apiURL = found }
        if let found = try url("ANGELONE_STREAM_URL", schemes: ["wss", "ws"]) { settings.streamURL = found }
        if let found = try url("ANGELONE_ORDER_STREAM_URL", schemes: ["wss", "ws"]) { settings.orderStreamURL = found }
        if let found = try url("ANGELONE_INSTRUMENTS_URL", schemes: ["https", "http"]) { settings.instrumentsURL = found }
        if let time = value("ANGELONE_DAILY_LOGIN_AT") {
            let parts = time.split(separator: ":")
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
                  (0..<60).contains(minute) else {
                throw AppConfig.Invalid(variable: "ANGELONE_DAILY_LOGIN_AT", reason: "must be HH:MM (IST), such as 08:45")
            }
            settings.dailyLoginMinute = hour * 60 + minute
        }

        if let text = value("ANGELONE_RATE_LIMITS") {
            do {
                settings.rateLimits = try SmartAPIRateLimits.parse(text)
            } catch {
                throw AppConfig.Invalid(variable: "ANGELONE_RATE_LIMITS", reason: error.description)
            }
        }

        let names = ["ANGELONE_API_KEY", "ANGELONE_CLIENT_CODE", "ANGELONE_PIN", "ANGELONE_TOTP_SECRET"]
        let given = names.map(value)
        if given.allSatisfy({ $0 == nil }) {
            if feedNeedsAccount {
                throw AppConfig.Invalid(variable: names.joined(separator: ", "),
                                        reason: "MARKET_FEED=angelone needs the feed's Angel One account")
            }
            return settings
        }
        if let missing = zip(names, given).first(where: { $0.1 == nil })?.0 {
            throw AppConfig.Invalid(variable: missing, reason: "is needed with the other ANGELONE_ account variables")
        }
        let totp: TOTP
        do {
            totp = try TOTP(base32Secret: given[3]!)
        } catch {
            // The reason says what is wrong with the secret without repeating it.
            throw AppConfig.Invalid(variable: "ANGELONE_TOTP_SECRET", reason: error.description)
        }
        settings.feedAccount = AngelOneCredentials(apiKey: given[0]!, clientCode: given[1]!, pin: given[2]!, totp: totp)
        return settings
    }
}
