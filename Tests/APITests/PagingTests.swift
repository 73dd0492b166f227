import Foundation
import TestSupport
import Testing
import Vapor

/// Listings answer a page at a time, in a stable order, each page starting where the last one ended (keyset paging
/// on time and id, so equal times cannot repeat or skip an item).
@Suite("Listings page: rules, orders and the cart")
struct PagingTests {
    /// Follows `Link: <…>; rel="next"` from `path` and returns every page's ids, in order.
    private static func walk(_ app: TestApp, _ path: String, token: String,
                             items: (Reply) -> [[String: Any]]) async throws -> [[String]] {
        var pages: [[String]] = []
        var next: String? = path
        while let current = next, pages.count < 50 {
            let reply = try await app.send(.GET, current, token: token)
            try #require(reply.status == .ok, "\(current): \(reply.text)")
            pages.append(items(reply).compactMap { $0["id"] as? String })
            next = reply.headers.first(name: "Link").flatMap { link in
                link.hasSuffix(#"rel="next""#) ? link.split(separator: ">").first.map { String($0.dropFirst()) } : nil
            }
        }
        return pages
    }

    @Test("rules: pages of 3 add up to the whole list, in order, without repeats", arguments: TestDatabase.enabled)
    func rules(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            var created: [String] = []
            for step in 0..<7 {
                created.append(try #require(try await app.createRule(token, min: 100 + Double(step),
                                                                     max: 200)["id"] as? String))
            }
            let whole = try await app.send(.GET, "/api/rules", token: token)
            #expect(whole.headers.first(name: "Link") == nil, "one page holds all seven")
            let all = whole.array.compactMap { $0["id"] as? String }
            #expect(Set(all) == Set(created) && all.count == 7)

            let pages = try await Self.walk(app, "/api/rules?limit=3", token: token) { $0.array }
            #expect(pages.map(\.count) == [3, 3, 1])
            #expect(pages.flatMap { $0 } == all)
        }
    }

    @Test("orders: newest first, pages keep the status filter, next_after is null on the last page",
          arguments: TestDatabase.enabled)
    func orders(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            for _ in 0..<7 {
                let placed = try await app.send(.POST, "/api/orders", token: token, json: [
                    "symbol": "ITC", "side": "BUY", "type": "LIMIT", "quantity": 1, "limit_price": 1,
                ])
                try #require(placed.status == .created, "\(placed.text)")
            }
            let whole = try await app.send(.GET, "/api/orders", token: token)
            let all = (whole["orders"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(all.count == 7)
            #expect(whole.object.keys.contains("next_after") && whole["next_after"] is NSNull)

            let first = try await app.send(.GET, "/api/orders?status=PENDING&limit=4", token: token)
            #expect(first["next_after"] as? String == (first["orders"] as? [[String: Any]])?.last?["id"] as? String)
            let link = try #require(first.headers.first(name: "Link"))
            #expect(link.contains("status=PENDING") && link.contains("limit=4"))

            let pages = try await Self.walk(app, "/api/orders?status=PENDING&limit=4", token: token) {
                $0["orders"] as? [[String: Any]] ?? []
            }
            #expect(pages.map(\.count) == [4, 3])
            #expect(pages.flatMap { $0 } == all)
            #expect(try await app.send(.GET, "/api/orders?status=EXECUTED&limit=4", token: token)["orders"]
                as? [Any] != nil)
        }
    }

    @Test("cart: pages of 2, count is the whole cart on every page", arguments: TestDatabase.enabled)
    func cart(database: TestDatabase) async throws {
        try await withTestApp(database) { app in
            let (token, _) = try await app.register()
            for symbol in ["ITC", "INFY", "TCS", "ITC", "WIPRO"] {
                let added = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": symbol])
                try #require(added.status == .created, "\(added.text)")
            }
            let whole = try await app.send(.GET, "/api/cart", token: token)
            let all = (whole["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(all.count == 5 && whole["count"] as? Int == 5)

            var counts: [Int] = []
            var next: String? = "/api/cart?limit=2"
            var seen: [String] = []
            while let path = next {
                let reply = try await app.send(.GET, path, token: token)
                counts.append(reply["count"] as? Int ?? -1)
                seen += (reply["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                next = (reply["next_after"] as? String).map { "/api/cart?limit=2&after=\($0)" }
            }
            #expect(seen == all)
            #expect(counts == [5, 5, 5])
        }
    }

    @Test("a bad limit or after is 400 naming it; another user's id as after is refused like an unknown one")
    func badParameters() async throws {
        try await withTestApp { app in
            let (alice, _) = try await app.register()
            let (mallory, _) = try await app.register()
            let rule = try #require(try await app.createRule(alice, min: 1, max: 2)["id"] as? String)
            for path in ["/api/rules", "/api/orders", "/api/cart"] {
                for query in ["limit=0", "limit=1001", "limit=abc", "limit=%FF", "limit=1&limit=2"] {
                    let reply = try await app.send(.GET, "\(path)?\(query)", token: alice)
                    #expect(reply.status == .badRequest && reply.field == "limit", "\(path)?\(query): \(reply.text)")
                }
                for query in ["after=xyz", "after=", "after=\(UUID().uuidString)"] {
                    let reply = try await app.send(.GET, "\(path)?\(query)", token: alice)
                    #expect(reply.status == .badRequest && reply.field == "after", "\(path)?\(query): \(reply.text)")
                }
            }
            let stranger = try await app.send(.GET, "/api/rules?after=\(rule)", token: mallory)
            let unknown = try await app.send(.GET, "/api/rules?after=\(UUID().uuidString)", token: mallory)
            #expect(stranger.status == .badRequest && stranger.field == "after")
            #expect(stranger.reason == unknown.reason, "the answer must not tell whether the id exists")
            // The owner pages on from her own rule: nothing after the last one.
            let own = try await app.send(.GET, "/api/rules?after=\(rule)", token: alice)
            #expect(own.status == .ok && own.array.isEmpty)
        }
    }
}
