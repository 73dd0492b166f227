import Foundation
import MarketData
import TradingCore
import Vapor

/// The catalogue with live quotes, and chart candles.
struct StockController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        let stocks = routes.grouped("api", "stocks")
        stocks.get(use: list)
        stocks.get(":symbol", use: get)
        stocks.get(":symbol", "candles", use: candles)
    }

    /// `GET /api/stocks?search=&sector=`: stocks whose symbol or name contains `search`, in `sector`.
    @Sendable func list(_ req: Request) async throws -> [StockResponse] {
        let search = req.query[String.self, at: "search"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let sector = req.query[String.self, at: "sector"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return services.hub.stocks.compactMap { stock in
            if !search.isEmpty && !stock.symbol.rawValue.lowercased().contains(search)
                && !stock.name.lowercased().contains(search) { return nil }
            if !sector.isEmpty && stock.sector.lowercased() != sector { return nil }
            guard let quote = services.hub.quote(for: stock.symbol) else { return nil }
            return StockResponse(stock: stock, quote: quote)
        }
    }

    /// `GET /api/stocks/{symbol}`.
    @Sendable func get(_ req: Request) async throws -> StockResponse {
        let (stock, quote) = try lookup(req)
        return StockResponse(stock: stock, quote: quote)
    }

    /// `GET /api/stocks/{symbol}/candles?interval=1m|5m|15m|1h|1d&limit=` (limit 1–5000, default 300).
    @Sendable func candles(_ req: Request) async throws -> CandlesResponse {
        let (stock, _) = try lookup(req)
        let rawInterval = req.query[String.self, at: "interval"] ?? "1m"
        guard let interval = CandleInterval(rawValue: rawInterval) else {
            throw APIError(.badRequest, "interval must be one of 1m, 5m, 15m, 1h, 1d", field: "interval")
        }
        var limit = 300
        if let raw = req.query[String.self, at: "limit"] {
            guard let parsed = Int(raw), (1...5_000).contains(parsed) else {
                throw APIError(.badRequest, "limit must be a whole number from 1 to 5000", field: "limit")
            }
            limit = parsed
        }
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
