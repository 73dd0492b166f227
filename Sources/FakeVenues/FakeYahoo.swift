import Foundation
import Synchronization
import TradingCore
import Vapor

/// A stand-in for Yahoo Finance's chart API v8 on loopback (`../shared/reference/protocols.md` §5): `.NS` symbols,
/// bars with the float artefacts and `null` bars real answers have, the 404 of an unknown symbol, 429 past a request
/// rate or without a User-Agent, and an HTML outage page on demand.
public final class FakeYahoo: Sendable {
    /// A symbol's bars as the fake serves them, prices in rupees as Yahoo's floats.
    public struct Series: Sendable {
        public var daily: [(time: Date, open: Double?, high: Double?, low: Double?, close: Double?, volume: Double?)]
        public var minutes: [(time: Date, open: Double?, high: Double?, low: Double?, close: Double?, volume: Double?)]
        public var lastPrice: Double
        public var lastPriceTime: Date

        public init(daily: [(time: Date, open: Double?, high: Double?, low: Double?, close: Double?, volume: Double?)],
                    minutes: [(time: Date, open: Double?, high: Double?, low: Double?, close: Double?, volume: Double?)],
                    lastPrice: Double, lastPriceTime: Date) {
            self.daily = daily
            self.minutes = minutes
            self.lastPrice = lastPrice
            self.lastPriceTime = lastPriceTime
        }
    }

    struct State {
        var series: [String: Series] = [:]
        var requests: [String] = []
        var requestTimes: [Date] = []
        var outage = false
        var rateLimitNext = 0
    }

    private let server = Mutex<Application?>(nil)
    private let state = Mutex(State())
    private let port = Atomic<Int>(0)
    /// More requests than this in any second answer 429 (nil: no limit).
    private let maxPerSecond: Int?

    public static func start(series: [String: Series], maxPerSecond: Int? = nil) async throws -> FakeYahoo {
        let fake = FakeYahoo(maxPerSecond: maxPerSecond)
        fake.state.withLock { $0.series = series }
        let (app, port) = try await LoopbackServer.start(routes: fake.routes)
        fake.server.withLock { $0 = app }
        fake.port.store(port, ordering: .releasing)
        return fake
    }

    private init(maxPerSecond: Int?) { self.maxPerSecond = maxPerSecond }

    /// As `YAHOO_API_URL` would be set.
    public var baseURL: String { "http://127.0.0.1:\(port.load(ordering: .acquiring))" }

    public func shutdown() async {
        if let app = server.withLock({ $0 }) { await LoopbackServer.stop(app) }
    }

    /// Every request's path and query, in order.
    public var requests: [String] { state.withLock { $0.requests } }

    public func setOutage(_ outage: Bool) { state.withLock { $0.outage = outage } }
    public func rateLimitNext(_ count: Int) { state.withLock { $0.rateLimitNext = count } }
    public func update(_ symbol: String, _ change: (inout Series) -> Void) {
        state.withLock { state in if var series = state.series[symbol] { change(&series); state.series[symbol] = series } }
    }

    private func routes(_ app: Application) {
        app.get("v8", "finance", "chart", ":symbol") { [self] request -> Response in answer(request) }
    }

    private func answer(_ request: Request) -> Response {
        let now = Date()
        let (limited, outage, series) = state.withLock { state -> (Bool, Bool, Series?) in
            state.requests.append(request.url.string)
            state.requestTimes = state.requestTimes.filter { now.timeIntervalSince($0) < 1 } + [now]
            var limited = request.headers.first(name: .userAgent)?.contains("Mozilla") != true
            if let maxPerSecond, state.requestTimes.count > maxPerSecond { limited = true }
            if state.rateLimitNext > 0 {
                state.rateLimitNext -= 1
                limited = true
            }
            let symbol = request.parameters.get("symbol") ?? ""
            let known = symbol.hasSuffix(".NS") ? state.series[String(symbol.dropLast(3))] : nil
            return (limited, state.outage, known)
        }
        if outage {
            return Response(status: .serviceUnavailable, headers: ["Content-Type": "text/html"],
                            body: .init(string: "<html><body>Will be right back...</body></html>"))
        }
        if limited {
            return Response(status: .tooManyRequests, headers: ["Content-Type": "text/plain"], body: .init(string: "Too Many Requests"))
        }
        guard let series else {
            return FakeSmartAPI.json(["chart": ["result": NSNull(), "error": [
                "code": "Not Found", "description": "No data found, symbol may be delisted"]]], status: .notFound)
        }
        let interval = request.query[String.self, at: "interval"] ?? "1d"
        guard ["1m", "1d"].contains(interval) else {
            return FakeSmartAPI.json(["chart": ["result": NSNull(), "error": [
                "code": "Bad Request",
                "description": "Invalid input - interval=\(interval) is not supported. Valid intervals: [1m, 1d]"]]],
                             status: .badRequest)
        }
        let bars = interval == "1m" ? series.minutes : series.daily
        func column(_ pick: ((time: Date, open: Double?, high: Double?, low: Double?, close: Double?, volume: Double?)) -> Double?)
            -> [Any] { bars.map { pick($0).map { $0 as Any } ?? NSNull() } }
        let result: [String: Any] = [
            "meta": ["currency": "INR", "symbol": request.parameters.get("symbol") ?? "", "exchangeName": "NSI",
                     "instrumentType": "EQUITY", "gmtoffset": 19_800, "timezone": "IST",
                     "regularMarketPrice": series.lastPrice,
                     "regularMarketTime": Int64(series.lastPriceTime.timeIntervalSince1970), "dataGranularity": interval],
            "timestamp": bars.map { Int64($0.time.timeIntervalSince1970) },
            "indicators": ["quote": [["open": column(\.open), "high": column(\.high), "low": column(\.low),
                                      "close": column(\.close), "volume": column(\.volume)]]],
        ]
        return FakeSmartAPI.json(["chart": ["result": [result], "error": NSNull()]])
    }
}
