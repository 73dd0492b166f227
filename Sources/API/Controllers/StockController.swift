import Foundation
import MarketData
import TradingCore
import Vapor

/// The catalogue with live quotes, and chart candles (one stock's, or many stocks' in one request).
struct StockController {
    let services: StockCartServices
    /// The market watch answer, kept encoded between ticks.
    private let marketWatch: MarketWatchCache

    init(services: StockCartServices) {
        self.services = services
        marketWatch = MarketWatchCache(hub: services.hub)
    }

    /// The most distinct symbols one batch candles request may name: twice the catalogue, so a client can ask for
    /// everything it shows at once, while one request stays bounded in work and response size.
    static let batchCandlesLimit = 100

    func register(on routes: any RoutesBuilder) {
        let stocks = routes.grouped("api", "stocks")
        stocks.get(use: list)
        // A constant segment outranks a parameter in Vapor's router whatever the order of registration, so
        // `/api/stocks/candles` is never read as the stock "candles"; registered first all the same, for the reader.
        stocks.get("candles", use: batchCandles)
        stocks.get(":symbol", use: get)
        stocks.get(":symbol", "candles", use: candles)
    }

    /// `GET /api/stocks?search=&sector=`: stocks whose symbol or name contains `search`, in `sector`, from the
    /// encoded snapshot `MarketWatchCache` keeps (this is the route every open market watch polls).
    @Sendable func list(_ req: Request) async throws -> Response {
        let query = try req.queryParameters()
        let search = try query.string("search")?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let sector = try query.string("sector")?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: try marketWatch.body(search: search,
                                                                                                 sector: sector)))
    }

    /// `GET /api/stocks/{symbol}`.
    @Sendable func get(_ req: Request) async throws -> StockResponse {
        let (stock, quote) = try lookup(req)
        return StockResponse(stock: stock, quote: quote)
    }

    /// `GET /api/stocks/{symbol}/candles?interval=1m|5m|15m|1h|1d&limit=` (limit 1–5000, default 300).
    @Sendable func candles(_ req: Request) async throws -> CandlesResponse {
        let (stock, _) = try lookup(req)
        let (interval, limit) = try Self.candleParameters(req)
        return candles(for: stock, interval: interval, limit: limit)
    }

    /// `GET /api/stocks/candles?symbols=RELIANCE,TCS&interval=&limit=`: what the single-stock route answers for each
    /// listed stock, in the order first listed (repeats dropped), so a page of sparklines costs one request.
    @Sendable func batchCandles(_ req: Request) async throws -> [CandlesResponse] {
        let listed = (try req.queryParameters().string("symbols") ?? "")
            .split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !listed.isEmpty else {
            throw APIError.validation("symbols", "symbols is required: a comma-separated list such as RELIANCE,TCS")
        }
        // Each name as `Symbol` normalises it ("tcs" is "TCS"; text that is no symbol stays as written), so repeats
        // are dropped, and the cap checked, before any lookup.
        let names = listed.map { Symbol($0)?.rawValue ?? $0 }
        var seen = Set<String>()
        let unique = names.filter { seen.insert($0).inserted }
        guard unique.count <= Self.batchCandlesLimit else {
            throw APIError.validation(
                "symbols", "symbols lists \(unique.count) stocks; at most \(Self.batchCandlesLimit) per request")
        }
        let stocks = unique.map { name in Symbol(name).flatMap(services.hub.stock(for:)) }
        let unknown = zip(unique, stocks).filter { $0.1 == nil }.map { "'\($0.0)'" }
        guard unknown.isEmpty else {
            // 404 like the single-stock route for an unknown symbol, naming every one at fault at once.
            let what = unknown.count == 1 ? "stock \(unknown[0])" : "stocks \(unknown.joined(separator: ", "))"
            throw APIError(.notFound, "\(what) not found", field: "symbols")
        }
        let (interval, limit) = try Self.candleParameters(req)
        return stocks.compactMap { $0 }.map { candles(for: $0, interval: interval, limit: limit) }
    }

    /// Reads `interval` (default 1m) and `limit` (1–5000, default 300): the one check both candle routes share.
    static func candleParameters(_ req: Request) throws -> (CandleInterval, Int) {
        let query = try req.queryParameters()
        let rawInterval = try query.string("interval") ?? "1m"
        guard let interval = CandleInterval(rawValue: rawInterval) else {
            throw APIError(.badRequest, "interval must be one of 1m, 5m, 15m, 1h, 1d", field: "interval")
        }
        var limit = 300
        if let raw = try query.string("limit") {
            guard let parsed = Int(raw), (1...5_000).contains(parsed) else {
                throw APIError(.badRequest, "limit must be a whole number from 1 to 5000", field: "limit")
            }
            limit = parsed
        }
        return (interval, limit)
    }

    private func candles(for stock: StockInfo, interval: CandleInterval, limit: Int) -> CandlesResponse {
        let bars = services.hub.candles(for: stock.symbol, interval: interval, limit: limit)
        return CandlesResponse(symbol: stock.symbol.rawValue, interval: interval.rawValue,
                               candles: bars.map(CandleResponse.init))
    }

    private func lookup(_ req: Request) throws -> (StockInfo, Quote) {
        let raw = req.parameters.get("symbol") ?? ""
        guard let symbol = Symbol(raw), let stock = services.hub.stock(for: symbol),
              let quote = services.hub.quote(for: symbol)
        else { throw APIError.notFound("stock '\(raw)'") }
        return (stock, quote)
    }
}
