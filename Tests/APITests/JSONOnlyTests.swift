@testable import API
import Foundation
import TestSupport
import Testing
import TradingCore
import Vapor

/// The API speaks JSON only: any other body type is 415, a body that is not strictly valid JSON is 400, and neither
/// reaches a handler or changes anything.
@Suite("JSON only: other content types and malformed JSON are refused before any handler")
struct JSONOnlyTests {
    /// A user with one rule and one cart line, so that every route that reads a body has something to act on.
    struct Fixture {
        let token: String
        let ruleID: String
        let cartItemID: String

        /// The eight routes that read a body, each with a body that would be accepted as JSON.
        var routes: [(HTTPMethod, String, String)] {
            [
                (.POST, "/api/auth/register", #"{"email":"form-\#(UUID().uuidString.prefix(6))@example.com","password":"correct horse"}"#),
                (.POST, "/api/auth/login", #"{"email":"nobody@example.com","password":"correct horse"}"#),
                (.POST, "/api/rules", #"{"symbol":"ITC","min_price":100,"max_price":200}"#),
                (.PATCH, "/api/rules/\(ruleID)", #"{"min_price":150}"#),
                (.POST, "/api/cart", #"{"symbol":"ITC","quantity":2}"#),
                (.PATCH, "/api/cart/\(cartItemID)", #"{"quantity":5}"#),
                (.POST, "/api/cart/checkout", #"{"items":[{"cart_item_id":"\#(cartItemID)"}]}"#),
                (.POST, "/api/orders", #"{"symbol":"ITC","side":"BUY","quantity":1}"#),
            ]
        }
    }

    /// Sent with every request: checkout needs it before it looks at the body; other routes ignore it.
    static let checkoutKey = ["Idempotency-Key": "json-only-tests"]

    func fixture(_ app: TestApp) async throws -> Fixture {
        let (token, _) = try await app.register()
        let rule = try await app.createRule(token, symbol: "ITC", min: 100, max: 200)
        let line = try await app.send(.POST, "/api/cart", token: token, json: ["symbol": "ITC"])
        return Fixture(token: token, ruleID: try #require(rule["id"] as? String),
                       cartItemID: try #require(line["id"] as? String))
    }

    /// What the user has, to show that a refused request changed nothing.
    func snapshot(_ app: TestApp, _ token: String) async throws -> String {
        let rules = try await app.send(.GET, "/api/rules", token: token).array
            .map { "\($0["id"] ?? "") \($0["min_price"] ?? "") \($0["max_price"] ?? "") \($0["updated_at"] ?? "")" }
        let cart = try await app.cart(token).map { "\($0["id"] ?? "") \($0["quantity"] ?? "")" }
        let orders = try await app.send(.GET, "/api/orders", token: token)["orders"] as? [[String: Any]] ?? []
        let cash = try await app.send(.GET, "/api/portfolio", token: token)["cash"] ?? ""
        return "\(rules) \(cart) \(orders.count) \(cash)"
    }

    static let otherTypes: [(String, String?, @Sendable (String) -> String)] = [
        ("malformed multipart", "multipart/form-data; boundary=XYZ", { _ in "garbage\r\n--XYZ\r\nnot a part" }),
        ("well-formed multipart", "multipart/form-data; boundary=XYZ", { _ in
            "--XYZ\r\nContent-Disposition: form-data; name=\"quantity\"\r\n\r\n5\r\n"
                + "--XYZ\r\nContent-Disposition: form-data; name=\"min_price\"\r\n\r\nabc\r\n--XYZ--\r\n"
        }),
        ("form", "application/x-www-form-urlencoded", { _ in "min_price=abc&quantity=5&symbol=ITC&side=BUY" }),
        ("text", "text/plain", { $0 }),
        ("no content type", nil, { $0 }),
        ("xml", "application/xml", { _ in "<order><quantity>5</quantity></order>" }),
        ("wildcard", "*/*", { $0 }),
        ("JSON in UTF-16", "application/json; charset=utf-16", { $0 }),
    ]

    @Test("a body of any other type is 415 on every route that reads one, and changes nothing",
          arguments: otherTypes.indices)
    func otherContentTypes(index: Int) async throws {
        let (label, contentType, body) = Self.otherTypes[index]
        try await withTestApp { app in
            let fixture = try await fixture(app)
            let before = try await snapshot(app, fixture.token)
            for (method, path, json) in fixture.routes {
                let reply = try await app.sendBytes(method, path, token: fixture.token, body: Array(body(json).utf8),
                                                    contentType: contentType, headers: Self.checkoutKey)
                #expect(reply.status == .unsupportedMediaType, "\(label): \(method) \(path) → \(reply.text)")
                #expect(reply["error"] as? Bool == true && reply.field == "Content-Type", "\(label): \(reply.text)")
                #expect(reply.reason?.contains("JSON") == true, "\(label): \(reply.text)")
            }
            #expect(try await snapshot(app, fixture.token) == before, "\(label) changed something")
        }
    }

    @Test("the issue's case: PATCH with min_price=abc as a form field is refused, and the rule keeps its range")
    func formFieldIsNotSilentlyDropped() async throws {
        try await withTestApp { app in
            let fixture = try await fixture(app)
            let reply = try await app.sendBytes(.PATCH, "/api/rules/\(fixture.ruleID)", token: fixture.token,
                                                body: Array("min_price=abc".utf8),
                                                contentType: "application/x-www-form-urlencoded")
            #expect(reply.status == .unsupportedMediaType, "\(reply.text)")
            let rule = try await app.send(.GET, "/api/rules/\(fixture.ruleID)", token: fixture.token)
            #expect(rule["min_price"] as? Double == 100 && rule["updated_at"] as? String == rule["created_at"] as? String)
        }
    }

    static let malformed: [(String, [UInt8])] = [
        ("trailing comma in an object", Array(#"{"quantity":5,}"#.utf8)),
        ("trailing comma in an array", Array(#"{"items":[{"cart_item_id":"x"},]}"#.utf8)),
        ("duplicate key", Array(#"{"quantity":5,"quantity":7}"#.utf8)),
        ("duplicate key spelled with an escape", Array(#"{"quantity":5,"qu\u0061ntity":7}"#.utf8)),
        ("single quotes", Array("{'quantity':5}".utf8)),
        ("a comment", Array("{\"quantity\":5 /* five */}".utf8)),
        ("NaN", Array(#"{"quantity":NaN}"#.utf8)),
        ("leading zero", Array(#"{"quantity":05}"#.utf8)),
        ("bare word", Array(#"{"symbol":ITC}"#.utf8)),
        ("unterminated", Array(#"{"quantity":5"#.utf8)),
        ("two values", Array(#"{"quantity":5}{"quantity":6}"#.utf8)),
        ("invalid UTF-8", [0x7B, 0x22, 0x73, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]),
        ("overlong UTF-8", Array(#"{"s":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)),
        ("lone surrogate escape", Array(#"{"symbol":"\ud800"}"#.utf8)),
        ("raw control character", Array("{\"symbol\":\"I\u{01}TC\"}".utf8)),
        ("byte order mark", [0xEF, 0xBB, 0xBF] + Array(#"{"quantity":5}"#.utf8)),
        ("only whitespace", Array("  \n".utf8)),
        ("empty", []),
    ]

    @Test("a body that is not valid JSON is 400 on every route that reads one, and changes nothing",
          arguments: malformed.indices)
    func malformedJSON(index: Int) async throws {
        let (label, body) = Self.malformed[index]
        try await withTestApp { app in
            let fixture = try await fixture(app)
            let before = try await snapshot(app, fixture.token)
            for (method, path, _) in fixture.routes {
                let reply = try await app.sendBytes(method, path, token: fixture.token, body: body,
                                                    contentType: "application/json", headers: Self.checkoutKey)
                #expect(reply.status == .badRequest, "\(label): \(method) \(path) → \(reply.text)")
                #expect(reply["error"] as? Bool == true && reply.reason != nil, "\(label): \(reply.text)")
            }
            #expect(try await snapshot(app, fixture.token) == before, "\(label) changed something")
        }
    }

    @Test("valid JSON of the wrong shape is 422", arguments: ["[]", "\"ITC\"", "42", "null", "true"])
    func wrongShape(body: String) async throws {
        try await withTestApp { app in
            let fixture = try await fixture(app)
            for (method, path, _) in fixture.routes {
                let reply = try await app.sendBytes(method, path, token: fixture.token, body: Array(body.utf8),
                                                    contentType: "application/json", headers: Self.checkoutKey)
                #expect(reply.status == .unprocessableEntity, "\(body): \(method) \(path) → \(reply.text)")
                #expect(reply.reason == "request body must be a JSON object", "\(reply.text)")
            }
        }
    }

    @Test("Content-Type values are read as media type and charset, case and blanks ignored", arguments: [
        ("application/json", true, nil), ("Application/JSON; charset=UTF-8", true, "utf-8"),
        (" application/json ;charset=\"utf-8\"", true, "utf-8"), ("application/json; foo=bar; Charset=utf-16", true, "utf-16"),
        ("application/jsonx", false, nil), ("*/*", false, nil), ("application/json-patch+json", false, nil),
        ("text/json", false, nil), ("", false, nil), ("application/json;charset", true, nil),
    ] as [(String, Bool, String?)])
    func contentTypeValue(value: String, isJSON: Bool, charset: String?) {
        let parsed = ContentTypeValue(value)
        #expect(parsed.isJSON == isJSON)
        #expect(parsed.charset == charset)
    }

    @Test("JSON with a charset parameter and escapes is accepted as before")
    func validVariants() async throws {
        try await withTestApp { app in
            let fixture = try await fixture(app)
            let reply = try await app.sendBytes(.POST, "/api/rules", token: fixture.token, body: Array(
                "{ \"symbol\" : \"\\u0049TC\" ,\n\t\"min_price\": 1.5e2, \"max_price\": 2E2, \"mode\": \"rearm\" }".utf8),
                contentType: "Application/JSON; charset=UTF-8")
            #expect(reply.status == .created, "\(reply.text)")
            #expect(reply["symbol"] as? String == "ITC" && reply["min_price"] as? Double == 150)
        }
    }

    @Test("a number beyond a Double is 422 naming where it is")
    func numberOutOfRange() async throws {
        try await withTestApp { app in
            let fixture = try await fixture(app)
            let body = #"{"items":[{"cart_item_id":"\#(fixture.cartItemID)","quantity":1e400}]}"#
            let reply = try await app.sendBytes(.POST, "/api/cart/checkout", token: fixture.token,
                                                body: Array(body.utf8), contentType: "application/json",
                                                headers: Self.checkoutKey)
            #expect(reply.status == .unprocessableEntity && reply.field == "items[0].quantity", "\(reply.text)")
        }
    }
}

/// The JSON checker on its own: what it accepts, what it refuses, and where it says the fault is.
@Suite("JSON syntax")
struct JSONSyntaxTests {
    @Test("RFC 8259 documents are accepted", arguments: [
        "{}", "[]", "0", "-0", "1.5e-3", "\"\"", "true", "null", " { \"a\" : [1, 2.0, {\"b\": null}] } ",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"", "\"₹ ✓ 😀\"", "[[[[[]]]]]", "1e308", "-1.7976931348623157e308",
        "{\"a\":1,\"A\":2}",
    ])
    func accepted(text: String) {
        #expect(throws: Never.self) { try JSONSyntax.validate(text) }
    }

    @Test("faults are found at the right byte", arguments: [
        ("{\"a\":1,}", 7, "trailing comma before '}'"),
        ("[1,]", 3, "trailing comma before ']'"),
        ("{\"a\":1,\"a\":2}", 7, "duplicate key \"a\""),
        ("01", 0, "a number may not have a leading zero"),
        ("[1 2]", 3, "unexpected '2': expected ',' or ']'"),
        ("{} x", 3, "unexpected 'x' after the JSON value"),
        ("", 0, "empty body: expected a JSON value"),
        ("\"\\x\"", 2, "invalid escape \\'x'"),
    ] as [(String, Int, String)])
    func refused(text: String, offset: Int, reason: String) {
        #expect(throws: JSONSyntax.Violation(offset: offset, reason: reason)) { try JSONSyntax.validate(text) }
    }

    @Test("nesting is bounded")
    func depth() {
        let deep = String(repeating: "[", count: JSONSyntax.maxDepth + 1) + String(repeating: "]", count: JSONSyntax.maxDepth + 1)
        let fine = String(repeating: "[", count: JSONSyntax.maxDepth) + String(repeating: "]", count: JSONSyntax.maxDepth)
        #expect(throws: JSONSyntax.Violation.self) { try JSONSyntax.validate(deep) }
        #expect(throws: Never.self) { try JSONSyntax.validate(fine) }
    }

    @Test("a number out of a Double's range names its path", arguments: [
        ("{\"a\":[1,{\"b\":1e400}]}", "a[1].b"), ("{\"q\":-1e999}", "q"), ("{\"q\":1e-400}", "q"),
    ])
    func outOfRange(text: String, field: String) {
        do {
            try JSONSyntax.validate(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.field == field)
        }
    }
}
