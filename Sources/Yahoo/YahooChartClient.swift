import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Yahoo Finance's chart API v8 over HTTP (`../shared/reference/protocols.md` §5): NSE symbols as `RELIANCE.NS`, a
/// browser-like User-Agent (Yahoo answers 429 without one), and never more than `maxRequestsPerSecond` requests
/// (`YAHOO_MAX_REQUESTS_PER_SECOND`): callers wait their turn.
public final class YahooChartClient: Sendable {
    public struct Configuration: Sendable {
        /// `YAHOO_API_URL`: `https://query1.finance.yahoo.com` in production.
        public var baseURL: String
        public var maxRequestsPerSecond: Double
        public var timeout: TimeAmount

        public init(baseURL: String, maxRequestsPerSecond: Double = 2, timeout: TimeAmount = .seconds(10)) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.maxRequestsPerSecond = max(maxRequestsPerSecond, 0.01)
            self.timeout = timeout
        }
    }

    /// What to ask for: an interval and either a named range or a window.
    public enum Span: Sendable {
        case range(String)
        case window(from: Date, to: Date)
    }

    static let userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"

    public let configuration: Configuration
    private let http: HTTPClient
    private let turns: Turns

    public init(http: HTTPClient, configuration: Configuration) {
        self.http = http
        self.configuration = configuration
        turns = Turns(spacing: .seconds(1 / configuration.maxRequestsPerSecond))
    }

    /// `symbol` as StockCart knows it ("RELIANCE"); `interval` as Yahoo names it (1m, 5m, 15m, 60m, 1d).
    public func chart(_ symbol: String, interval: String, span: Span) async throws(YahooFailure) -> YahooChart {
        var components = URLComponents(string: configuration.baseURL + "/v8/finance/chart/")!
        components.path += symbol + ".NS"
        var query = [URLQueryItem(name: "interval", value: interval), URLQueryItem(name: "includePrePost", value: "false")]
        switch span {
        case .range(let range):
            query.append(URLQueryItem(name: "range", value: range))
        case .window(let from, let to):
            query.append(URLQueryItem(name: "period1", value: String(Int64(from.timeIntervalSince1970))))
            query.append(URLQueryItem(name: "period2", value: String(Int64(to.timeIntervalSince1970))))
        }
        components.queryItems = query
        guard let url = components.string else { throw .refused(status: 0, description: "bad symbol \(symbol)") }
        await turns.take()
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        let status: Int
        let body: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: configuration.timeout)
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: 16 << 20)
        } catch {
            throw .unreachable(String(describing: error).prefix(160).description)
        }
        return try YahooChart.decode(Data(body.readableBytesView), httpStatus: status)
    }

    /// Hands out request turns at most one per `spacing`, in arrival order.
    actor Turns {
        private let spacing: Duration
        private var next = ContinuousClock.now

        init(spacing: Duration) { self.spacing = spacing }

        func take() async {
            let now = ContinuousClock.now
            let mine = max(next, now)
            next = mine + spacing
            if mine > now { try? await Task.sleep(until: mine, clock: .continuous) }
        }
    }
}
