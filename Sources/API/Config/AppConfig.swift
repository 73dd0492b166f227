import AngelOne
import Foundation
import TradingCore

/// Every setting of the server, decoded once from the environment with a default for each (see
/// `docs/configuration.md`). Bad values fail start-up with a message naming the variable.
public struct AppConfig: Sendable {
    /// Which market-data feed drives prices.
    public enum Feed: String, Sendable, CaseIterable { case simulated, yahoo, angelone }
    /// Which broker executes orders.
    public enum BrokerKind: String, Sendable, CaseIterable { case paper, angelone }

    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = "./data"
    public var databaseURL: String?
    public var jwtSecret: String?
    public var feed: Feed = .simulated
    public var broker: BrokerKind = .paper
    /// `LIVE_TRADING=1`: the operator's explicit consent to real orders (required by `BROKER=angelone`).
    public var liveTrading = false
    /// When the feed's prices may fire rules and fill orders: NSE's session for a real feed, always for the simulator.
    public var tradingHours: TradingHours = .always
    /// Angel One's addresses and the feed's system account.
    public var angelOne = AngelOneSettings()
    /// `YAHOO_API_URL`: Yahoo Finance's chart API root.
    public var yahooURL = "https://query1.finance.yahoo.com"
    /// `YAHOO_MAX_REQUESTS_PER_SECOND`: the most chart requests a second, feed and history together.
    public var yahooRequestsPerSecond: Double = 2
    /// `MASTER_KEY`: the base64 AES-256 key that encrypts users' broker credentials (nil: none can be stored).
    public var masterKey: String?
    public var simulationSeed: UInt64 = 42
    public var simulationTickMilliseconds = 250
    public var corsOrigins: [String] = []
    /// `TRUSTED_PROXIES`: addresses of the load balancers in front (comma-separated); from them, and only them,
    /// `X-Forwarded-For` names the client.
    public var trustedProxies: Set<String> = []
    public var logLevel = "info"
    public var startingCash = Money(paise: 10_00_000_00)
    public var brokerage = Money(paise: 20_00)
    public var maxRulesPerUser = 1_000
    public var staleQuoteSeconds: Double = 5
    public var bcryptCost = 12
    public var loginMaxFailures = 5
    public var loginWindowSeconds: Double = 60
    /// `API_RATE_LIMIT`: requests a second each signed-in user may make, sustained (per instance).
    public var apiRateLimit = 20
    /// `API_RATE_BURST`: requests a user may make at once before the sustained rate applies.
    public var apiRateBurst = 100
    /// `TLS_CERT` and `TLS_KEY`: PEM files to serve HTTPS and WSS with (both or neither); HSTS is sent with them.
    public var tls: TLSFiles?
    public var priceCoalesceMilliseconds = 25
    public var tokenLifetimeSeconds: Double = 7 * 24 * 3600
    /// WebSocket ping interval, announced to clients in `welcome`. Not read from the environment: only tests
    /// shorten it, so that a heartbeat test does not take a minute.
    public var socketHeartbeatSeconds = 20
    /// Whether the simulated market's synthetic history is written to the candle store at first start. Not read from
    /// the environment: the test apps turn it off (each would write ~200,000 bars in the background), and the tests
    /// of the candle store turn it on.
    public var storeSyntheticHistory = true

    public init() {}

    /// A configuration error that names the variable and what was wrong with it.
    public struct Invalid: Error, CustomStringConvertible {
        public let variable: String
        public let reason: String
        public var description: String { "\(variable): \(reason)" }
    }

    /// `raw` if it is a full URL with one of `schemes` and a host; nil when unset; refused naming `name` otherwise.
    static func url(_ name: String, _ raw: String?, schemes: Set<String>) throws(Invalid) -> String? {
        guard let raw else { return nil }
        guard let parsed = URLComponents(string: raw), let scheme = parsed.scheme?.lowercased(), schemes.contains(scheme),
              let host = parsed.host, !host.isEmpty else {
            throw Invalid(variable: name,
                          reason: "must be a full " + schemes.sorted().map { "\($0)://" }.joined(separator: " or ") + " URL")
        }
        return raw
    }

    /// Whether `text` is an IPv4 or IPv6 address.
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// Reads the environment; unset or empty variables keep their defaults.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var config = AppConfig()
        func value(_ name: String) -> String? {
            guard let raw = env[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let raw = value(name) else { return nil }
            guard let number = Int(raw), range.contains(number) else {
                throw Invalid(variable: name, reason: "must be a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        func rupees(_ name: String) throws -> Money? {
            guard let raw = value(name) else { return nil }
            guard let number = Double(raw), let money = Money(rupees: number), money.paise >= 0 else {
                throw Invalid(variable: name, reason: "must be a rupee amount ≥ 0 with at most two decimals")
            }
            return money
        }
        func seconds(_ name: String) throws -> Double? {
            guard let raw = value(name) else { return nil }
            guard let number = Double(raw), number > 0, number.isFinite else {
                throw Invalid(variable: name, reason: "must be a positive number of seconds")
            }
            return number
        }

        if let host = value("HOST") { config.host = host }
        if let port = try integer("PORT", in: 0...65_535) { config.port = port }
        if let dir = value("DATA_DIR") { config.dataDirectory = dir }
        config.databaseURL = value("DATABASE_URL")
        config.jwtSecret = value("JWT_SECRET")
        if let secret = config.jwtSecret, secret.utf8.count < 32 {
            throw Invalid(variable: "JWT_SECRET", reason: "must be at least 32 characters")
        }
        if let feed = value("MARKET_FEED") {
            guard let parsed = Feed(rawValue: feed) else {
                throw Invalid(variable: "MARKET_FEED", reason: "'\(feed)' is not available in this build; use "
                                  + Feed.allCases.map(\.rawValue).joined(separator: " or "))
            }
            config.feed = parsed
        }
        if let broker = value("BROKER") {
            guard let parsed = BrokerKind(rawValue: broker) else {
                throw Invalid(variable: "BROKER", reason: "'\(broker)' is not available in this build; use "
                                  + BrokerKind.allCases.map(\.rawValue).joined(separator: " or "))
            }
            config.broker = parsed
        }
        if let live = value("LIVE_TRADING") {
            switch live.lowercased() {
            case "1", "true", "yes": config.liveTrading = true
            case "0", "false", "no": config.liveTrading = false
            default: throw Invalid(variable: "LIVE_TRADING", reason: "must be 1 (real orders) or 0")
            }
        }
        if config.broker == .angelone, !config.liveTrading {
            throw Invalid(variable: "LIVE_TRADING", reason: "BROKER=angelone places real orders with real money; "
                              + "set LIVE_TRADING=1 to confirm that is what you want")
        }
        config.tradingHours = config.feed == .simulated ? .always : .nse
        if let hours = value("MARKET_SESSION") {
            guard let parsed = TradingHours(rawValue: hours) else {
                throw Invalid(variable: "MARKET_SESSION", reason: "must be nse or always")
            }
            config.tradingHours = parsed
        }
        config.angelOne = try AngelOneSettings.fromEnvironment(value, feedNeedsAccount: config.feed == .angelone)
        if let url = try url("YAHOO_API_URL", value("YAHOO_API_URL"), schemes: ["https", "http"]) {
            config.yahooURL = url
        }
        if let rate = value("YAHOO_MAX_REQUESTS_PER_SECOND") {
            guard let parsed = Double(rate), parsed > 0, parsed <= 100 else {
                throw Invalid(variable: "YAHOO_MAX_REQUESTS_PER_SECOND", reason: "must be a number of requests above 0, at most 100")
            }
            config.yahooRequestsPerSecond = parsed
        }
        if let key = value("MASTER_KEY") {
            do {
                _ = try CredentialVault(masterKeyBase64: key)
            } catch {
                throw Invalid(variable: "MASTER_KEY", reason: error.reason)
            }
            config.masterKey = key
        }
        if config.broker == .angelone, config.feed != .angelone {
            // Rules place real orders: on simulated prices, or on Yahoo's polled ones (up to a minute old), they
            // would buy at prices no one is trading at.
            throw Invalid(variable: "MARKET_FEED", reason: "BROKER=angelone places real orders when rules fire, so it "
                              + "needs Angel One's live prices: set MARKET_FEED=angelone")
        }
        if config.broker == .angelone, config.masterKey == nil {
            throw Invalid(variable: "MASTER_KEY", reason: "BROKER=angelone needs it to keep users' broker credentials "
                              + "encrypted (for example the output of `openssl rand -base64 32`)")
        }
        if let seed = value("SIM_SEED") {
            guard let parsed = UInt64(seed) else { throw Invalid(variable: "SIM_SEED", reason: "must be a whole number ≥ 0") }
            config.simulationSeed = parsed
        }
        if let ms = try integer("SIM_TICK_MS", in: 10...60_000) { config.simulationTickMilliseconds = ms }
        if let origins = value("CORS_ORIGINS") {
            config.corsOrigins = origins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let proxies = value("TRUSTED_PROXIES") {
            let addresses = proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            for address in addresses where !Self.isIPAddress(address) {
                throw Invalid(variable: "TRUSTED_PROXIES", reason: "'\(address)' is not an IP address (list the "
                                  + "load balancers' addresses, comma-separated)")
            }
            config.trustedProxies = Set(addresses)
        }
        if let level = value("LOG_LEVEL") {
            let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
            guard levels.contains(level.lowercased()) else {
                throw Invalid(variable: "LOG_LEVEL", reason: "must be one of \(levels.joined(separator: ", "))")
            }
            config.logLevel = level.lowercased()
        }
        if let cash = try rupees("STARTING_CASH") { config.startingCash = cash }
        if let fee = try rupees("BROKERAGE") { config.brokerage = fee }
        if let limit = try integer("MAX_RULES_PER_USER", in: 1...1_000_000) { config.maxRulesPerUser = limit }
        if let stale = try seconds("STALE_QUOTE_SECONDS") { config.staleQuoteSeconds = stale }
        if let cost = try integer("BCRYPT_COST", in: 4...31) { config.bcryptCost = cost }
        if let failures = try integer("LOGIN_MAX_FAILURES", in: 1...1_000) { config.loginMaxFailures = failures }
        if let window = try seconds("LOGIN_WINDOW_SECONDS") { config.loginWindowSeconds = window }
        if let ms = try integer("PRICE_COALESCE_MS", in: 10...10_000) { config.priceCoalesceMilliseconds = ms }
        if let rate = try integer("API_RATE_LIMIT", in: 1...100_000) { config.apiRateLimit = rate }
        if let burst = try integer("API_RATE_BURST", in: 1...1_000_000) { config.apiRateBurst = burst }
        config.tls = try TLSFiles.fromEnvironment(certificate: value("TLS_CERT"), key: value("TLS_KEY"))
        return config
    }
}
