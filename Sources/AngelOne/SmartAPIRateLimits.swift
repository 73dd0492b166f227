import Foundation

/// SmartAPI's request limits per client code, by class of endpoint (§1.8), held on StockCart's side so that it never
/// trips the broker's own (a 403 there costs the user their next orders). Configuration, because Angel One's pages
/// disagree with each other and change: `ANGELONE_RATE_LIMITS`, such as `orders=9/s,orders=500/min,order_book=1/s`.
public struct SmartAPIRateLimits: Equatable, Sendable {
    /// The classes SmartAPI counts separately.
    public enum Endpoint: String, Sendable, CaseIterable {
        /// placeOrder, modifyOrder and cancelOrder together.
        case orders
        /// getOrderBook, getTradeBook, getPosition and getHolding, each counted on its own.
        case orderBook = "order_book"
        case tradeBook = "trade_book"
        case positions
        case holdings
        /// getRMS.
        case funds
        /// getProfile.
        case profile
        /// generateTokens.
        case tokens
    }

    /// At most `count` requests in any `seconds`.
    public struct Limit: Equatable, Sendable {
        public var count: Int
        public var seconds: Double
        public init(count: Int, seconds: Double) {
            self.count = count
            self.seconds = seconds
        }
    }

    public var limits: [Endpoint: [Limit]]

    public init(limits: [Endpoint: [Limit]]) { self.limits = limits }

    /// The documented table: orders 9/s, 500/min and 1000/h; each book 1/s; funds 2/s; profile 3/s; tokens 1/s.
    public static let documented = SmartAPIRateLimits(limits: [
        .orders: [Limit(count: 9, seconds: 1), Limit(count: 500, seconds: 60), Limit(count: 1_000, seconds: 3_600)],
        .orderBook: [Limit(count: 1, seconds: 1)],
        .tradeBook: [Limit(count: 1, seconds: 1)],
        .positions: [Limit(count: 1, seconds: 1)],
        .holdings: [Limit(count: 1, seconds: 1)],
        .funds: [Limit(count: 2, seconds: 1)],
        .profile: [Limit(count: 3, seconds: 1)],
        .tokens: [Limit(count: 1, seconds: 1)],
    ])

    /// Why a limits text was refused.
    public struct Unreadable: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Reads `class=N/s|min|h` entries separated by commas; the classes named replace the documented limits of that
    /// class, the others keep theirs.
    public static func parse(_ text: String) throws(Unreadable) -> SmartAPIRateLimits {
        var parsed: [Endpoint: [Limit]] = [:]
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1)
            let classes = Endpoint.allCases.map(\.rawValue).joined(separator: ", ")
            guard parts.count == 2, let endpoint = Endpoint(rawValue: String(parts[0])) else {
                throw Unreadable(description: "'\(entry)' does not start with one of \(classes) and '='")
            }
            let rate = parts[1].split(separator: "/")
            let units: [String: Double] = ["s": 1, "min": 60, "h": 3_600]
            guard rate.count == 2, let count = Int(rate[0]), count > 0, let seconds = units[String(rate[1])] else {
                throw Unreadable(description: "'\(entry)' must be a positive count per s, min or h, such as orders=9/s")
            }
            parsed[endpoint, default: []].append(Limit(count: count, seconds: seconds))
        }
        var limits = documented.limits
        for (endpoint, replacement) in parsed { limits[endpoint] = replacement }
        return SmartAPIRateLimits(limits: limits)
    }
}
