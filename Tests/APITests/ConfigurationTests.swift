@testable import API
import Foundation
import Testing
import TradingCore

/// `AppConfig.fromEnvironment`: defaults, the venue variables, and a refusal naming the variable for every bad value.
@Suite("Configuration from the environment")
struct ConfigurationTests {
    static let account = [
        "ANGELONE_API_KEY": "key", "ANGELONE_CLIENT_CODE": "A123", "ANGELONE_PIN": "4321",
        "ANGELONE_TOTP_SECRET": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    ]

    /// The variable a refusal names, or nil when the environment is accepted.
    func refusal(_ env: [String: String]) -> String? {
        do {
            _ = try AppConfig.fromEnvironment(env)
            return nil
        } catch let invalid as AppConfig.Invalid {
            return invalid.variable
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("an empty environment gives the embedded defaults: simulated feed, paper broker, always-open market")
    func defaults() throws {
        let config = try AppConfig.fromEnvironment([:])
        #expect(config.feed == .simulated)
        #expect(config.broker == .paper)
        #expect(config.tradingHours == .always)
        #expect(config.angelOne.apiURL == "https://apiconnect.angelone.in")
        #expect(config.angelOne.streamURL == "wss://smartapisocket.angelone.in/smart-stream")
        #expect(config.angelOne.feedAccount == nil)
        #expect(config.angelOne.dailyLoginMinute == 8 * 60 + 45)
        #expect(config.masterKey == nil)
    }

    @Test("MARKET_FEED=angelone reads the account, trades NSE hours by default, and MARKET_SESSION overrides that")
    func angelOneFeed() throws {
        var env = Self.account
        env["MARKET_FEED"] = "angelone"
        env["ANGELONE_STREAM_URL"] = "ws://127.0.0.1:9000/smart-stream"
        env["ANGELONE_DAILY_LOGIN_AT"] = "07:30"
        let config = try AppConfig.fromEnvironment(env)
        #expect(config.feed == .angelone)
        #expect(config.tradingHours == .nse)
        #expect(config.angelOne.feedAccount?.clientCode == "A123")
        #expect(config.angelOne.streamURL == "ws://127.0.0.1:9000/smart-stream")
        #expect(config.angelOne.dailyLoginMinute == 7 * 60 + 30)
        env["MARKET_SESSION"] = "always"
        #expect(try AppConfig.fromEnvironment(env).tradingHours == .always)
    }

    @Test("the account's secrets never show in the configuration's description")
    func secretsHidden() throws {
        var env = Self.account
        env["MARKET_FEED"] = "angelone"
        let text = "\(try AppConfig.fromEnvironment(env).angelOne)"
        #expect(text.contains("A123"))
        #expect(!text.contains("4321"))
        #expect(!text.contains("GEZDGNBV"))
    }

    @Test("every bad value stops start-up naming its variable", arguments: [
        (["MARKET_FEED": "bloomberg"], "MARKET_FEED"),
        (["BROKER": "zerodha"], "BROKER"),
        (["MARKET_SESSION": "lse"], "MARKET_SESSION"),
        (["ANGELONE_API_URL": "apiconnect.angelone.in"], "ANGELONE_API_URL"),
        (["ANGELONE_STREAM_URL": "https://smartapisocket.angelone.in/smart-stream"], "ANGELONE_STREAM_URL"),
        (["ANGELONE_ORDER_STREAM_URL": "ftp://x"], "ANGELONE_ORDER_STREAM_URL"),
        (["ANGELONE_INSTRUMENTS_URL": "not a url"], "ANGELONE_INSTRUMENTS_URL"),
        (["ANGELONE_DAILY_LOGIN_AT": "25:00"], "ANGELONE_DAILY_LOGIN_AT"),
        (["ANGELONE_DAILY_LOGIN_AT": "0845"], "ANGELONE_DAILY_LOGIN_AT"),
        (["MASTER_KEY": "c2hvcnQ="], "MASTER_KEY"),
        (["MASTER_KEY": "not base64!"], "MASTER_KEY"),
        (["PORT": "70000"], "PORT"),
        (["JWT_SECRET": "short"], "JWT_SECRET"),
        (["BROKER": "angelone"], "LIVE_TRADING"),
        (["BROKER": "angelone", "LIVE_TRADING": "0"], "LIVE_TRADING"),
        (["BROKER": "angelone", "LIVE_TRADING": "1"], "MARKET_FEED"),
        (["BROKER": "angelone", "LIVE_TRADING": "1", "MARKET_FEED": "yahoo"], "MARKET_FEED"),
        (["LIVE_TRADING": "maybe"], "LIVE_TRADING"),
        (["YAHOO_API_URL": "query1.finance.yahoo.com"], "YAHOO_API_URL"),
        (["YAHOO_MAX_REQUESTS_PER_SECOND": "0"], "YAHOO_MAX_REQUESTS_PER_SECOND"),
        (["YAHOO_MAX_REQUESTS_PER_SECOND": "fast"], "YAHOO_MAX_REQUESTS_PER_SECOND"),
        (["ANGELONE_RATE_LIMITS": "orders=nine/s"], "ANGELONE_RATE_LIMITS"),
        (["API_RATE_LIMIT": "0"], "API_RATE_LIMIT"),
        (["API_RATE_BURST": "lots"], "API_RATE_BURST"),
        (["TLS_CERT": "/nonexistent/cert.pem"], "TLS_KEY"),
        (["TLS_KEY": "/nonexistent/key.pem"], "TLS_CERT"),
        (["TLS_CERT": "/nonexistent/cert.pem", "TLS_KEY": "/nonexistent/key.pem"], "TLS_CERT"),
        (["TRUSTED_PROXIES": "127.0.0.1, nginx.internal"], "TRUSTED_PROXIES"),
    ])
    func badValues(env: [String: String], variable: String) {
        #expect(refusal(env) == variable)
    }

    @Test("the request limit, the trusted proxies and their defaults")
    func securitySettings() throws {
        let defaults = try AppConfig.fromEnvironment([:])
        #expect(defaults.apiRateLimit == 20 && defaults.apiRateBurst == 100)
        #expect(defaults.trustedProxies.isEmpty && defaults.tls == nil)
        let set = try AppConfig.fromEnvironment(["API_RATE_LIMIT": "50", "API_RATE_BURST": "500",
                                                 "TRUSTED_PROXIES": "127.0.0.1, ::1,10.0.0.7"])
        #expect(set.apiRateLimit == 50 && set.apiRateBurst == 500)
        #expect(set.trustedProxies == ["127.0.0.1", "::1", "10.0.0.7"])
    }

    @Test("MARKET_FEED=angelone without the account is refused naming the account variables")
    func angelOneNeedsAccount() {
        let named = refusal(["MARKET_FEED": "angelone"])
        #expect(named?.contains("ANGELONE_TOTP_SECRET") == true)
    }

    @Test("a partial account names the missing variable; a secret that is not base32 names the secret, not its value")
    func partialAccount() throws {
        var env = Self.account
        env["ANGELONE_PIN"] = nil
        #expect(refusal(env) == "ANGELONE_PIN")
        env = Self.account
        env["ANGELONE_TOTP_SECRET"] = "not-base32-1890"
        do {
            _ = try AppConfig.fromEnvironment(env)
            Issue.record("accepted a secret that is not base32")
        } catch let invalid as AppConfig.Invalid {
            #expect(invalid.variable == "ANGELONE_TOTP_SECRET")
            #expect(!invalid.description.contains("not-base32-1890"), "the message must not repeat the secret")
        }
    }

    @Test("BROKER=angelone runs only with LIVE_TRADING=1, a real feed and a MASTER_KEY; ANGELONE_RATE_LIMITS paces")
    func liveTrading() throws {
        let key = Data(repeating: 9, count: 32).base64EncodedString()
        var env = Self.account
        env.merge(["MARKET_FEED": "angelone", "BROKER": "angelone", "LIVE_TRADING": "1",
                   "ANGELONE_RATE_LIMITS": "orders=5/s"]) { _, new in new }
        #expect(refusal(env) == "MASTER_KEY")
        env["MASTER_KEY"] = key
        let config = try AppConfig.fromEnvironment(env)
        #expect(config.broker == .angelone && config.liveTrading)
        #expect(config.angelOne.rateLimits.limits[.orders] == [.init(count: 5, seconds: 1)])
        #expect(config.tradingHours == .nse)
    }

    @Test("MARKET_FEED=yahoo trades NSE hours by default and reads its URL and request rate")
    func yahoo() throws {
        let config = try AppConfig.fromEnvironment(["MARKET_FEED": "yahoo", "YAHOO_API_URL": "http://127.0.0.1:9",
                                                    "YAHOO_MAX_REQUESTS_PER_SECOND": "0.5"])
        #expect(config.feed == .yahoo && config.tradingHours == .nse)
        #expect(config.yahooURL == "http://127.0.0.1:9" && config.yahooRequestsPerSecond == 0.5)
        #expect(try AppConfig.fromEnvironment([:]).yahooRequestsPerSecond == 2)
    }

    @Test("a 32-byte base64 MASTER_KEY is accepted")
    func masterKey() throws {
        let key = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        #expect(try AppConfig.fromEnvironment(["MASTER_KEY": key]).masterKey == key)
    }
}
