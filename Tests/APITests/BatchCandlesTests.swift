import Foundation
import Testing
import Vapor

/// `GET /api/stocks/candles`: many stocks' candles in one request, answered exactly as the single-stock route
/// answers each, with the same checks and error shapes.
@Suite("Market: candles for many stocks in one request")
struct BatchCandlesTests {
    @Test("each stock's candles are the single-stock route's, in the order listed, repeats dropped")
    func sameAsSingle() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            // Mixed case, spaces and a repeat; M&M needs its "&" escaped in a query.
            let batch = try await app.send(
                .GET, "/api/stocks/candles?symbols=RELIANCE,%20tcs,INFY,M%26M,TCS,HDFCBANK&interval=1d&limit=30",
                token: token)
            #expect(batch.status == .ok)
            let expected = ["RELIANCE", "TCS", "INFY", "M&M", "HDFCBANK"]
            #expect(batch.array.map { $0["symbol"] as? String } == expected)
            for (entry, symbol) in zip(batch.array, expected) {
                let path = symbol.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let single = try await app.send(.GET, "/api/stocks/\(path)/candles?interval=1d&limit=30", token: token)
                #expect(single.status == .ok)
                #expect((entry["candles"] as? [Any])?.count == 30)
                #expect(try canonical(entry) == canonical(single.object), "\(symbol) differs from the single route")
            }
        }
    }

    @Test("without interval and limit, the single-stock route's defaults (1m, 300 bars)")
    func defaults() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let batch = try await app.send(.GET, "/api/stocks/candles?symbols=SBIN", token: token)
            let single = try await app.send(.GET, "/api/stocks/SBIN/candles", token: token)
            #expect(batch.status == .ok && batch.array.count == 1)
            let entry = try #require(batch.array.first)
            #expect(entry["interval"] as? String == "1m")
            #expect((entry["candles"] as? [Any])?.count == 300)
            #expect(try canonical(entry) == canonical(single.object))
        }
    }

    @Test("a missing or empty symbols list is 422 on symbols", arguments: [
        "", "?symbols", "?symbols=", "?symbols=,%20,", "?interval=5m&limit=10",
    ])
    func missingSymbols(query: String) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.GET, "/api/stocks/candles\(query)", token: token)
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.field == "symbols")
            #expect(reply["error"] as? Bool == true)
        }
    }

    @Test("more than 100 distinct symbols is 422 on symbols; repeats do not count towards the cap")
    func cap() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let many = (1...101).map { "S\($0)" }.joined(separator: ",")
            let tooMany = try await app.send(.GET, "/api/stocks/candles?symbols=\(many)&limit=1", token: token)
            #expect(tooMany.status == .unprocessableEntity)
            #expect(tooMany.field == "symbols")
            #expect(tooMany.reason?.contains("100") == true)

            let repeated = Array(repeating: "TCS", count: 150).joined(separator: ",")
            let ok = try await app.send(.GET, "/api/stocks/candles?symbols=\(repeated)&limit=1", token: token)
            #expect(ok.status == .ok)
            #expect(ok.array.map { $0["symbol"] as? String } == ["TCS"])

            let all = try await app.send(.GET, "/api/stocks", token: token).array.compactMap { $0["symbol"] as? String }
            let everything = all.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
            let catalogue = try await app.send(
                .GET, "/api/stocks/candles?symbols=\(everything.joined(separator: ","))&limit=1", token: token)
            #expect(catalogue.status == .ok)
            #expect(catalogue.array.map { $0["symbol"] as? String } == all)
        }
    }

    @Test("an unknown symbol is 404 like the single-stock route, naming each unknown one")
    func unknownSymbols() async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let one = try await app.send(.GET, "/api/stocks/candles?symbols=RELIANCE,NOPE,TCS", token: token)
            #expect(one.status == .notFound)
            #expect(one.field == "symbols")
            #expect(one.reason == "stock 'NOPE' not found")

            let two = try await app.send(.GET, "/api/stocks/candles?symbols=nope,TCS,not%20a%20symbol", token: token)
            #expect(two.status == .notFound)
            #expect(two.field == "symbols")
            #expect(two.reason == "stocks 'NOPE', 'not a symbol' not found")

            let single = try await app.send(.GET, "/api/stocks/NOPE/candles", token: token)
            #expect(single.status == one.status)
        }
    }

    @Test("a bad interval or limit is the single-stock route's 400 naming the parameter", arguments: [
        ("interval=2m", "interval"), ("interval=", "interval"), ("limit=0", "limit"), ("limit=5001", "limit"),
        ("limit=ten", "limit"), ("limit=1.5", "limit"),
    ])
    func badParameters(query: String, field: String) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let batch = try await app.send(.GET, "/api/stocks/candles?symbols=INFY,TCS&\(query)", token: token)
            let single = try await app.send(.GET, "/api/stocks/INFY/candles?\(query)", token: token)
            #expect(batch.status == .badRequest)
            #expect(batch.field == field)
            #expect(batch.status == single.status && batch.field == single.field && batch.reason == single.reason)
        }
    }

    @Test("the batch route needs a valid token")
    func authRequired() async throws {
        try await withTestApp { app in
            let path = "/api/stocks/candles?symbols=RELIANCE,TCS&interval=1d&limit=30"
            let none = try await app.send(.GET, path)
            #expect(none.status == .unauthorized)
            #expect(none["error"] as? Bool == true)
            #expect(try await app.send(.GET, path, token: "not.a.token").status == .unauthorized)
            // Refused before validation too: an anonymous caller learns nothing about the parameters.
            #expect(try await app.send(.GET, "/api/stocks/candles").status == .unauthorized)
        }
    }
}

/// A JSON value re-serialised with sorted keys, so two parsed bodies compare by content, not by key order.
private func canonical(_ value: [String: Any]) throws -> Data {
    try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
}
