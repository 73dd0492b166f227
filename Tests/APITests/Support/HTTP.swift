import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

/// A response with its JSON body parsed loosely, so tests read like the API docs.
struct Reply: @unchecked Sendable {
    // @unchecked: holds JSONSerialization output ([String: Any]), read only by the test that made it.
    let status: HTTPStatus
    let headers: HTTPHeaders
    let text: String
    let json: Any?

    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    subscript(key: String) -> Any? { object[key] }
    var reason: String? { object["reason"] as? String }
    var field: String? { object["field"] as? String }
}

extension TestApp {
    /// Sends a request through the whole middleware stack (in memory, no socket).
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: Any]? = nil,
              raw: String? = nil, headers extra: [String: String] = [:]) async throws -> Reply {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        var body = ByteBuffer()
        if let json {
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
            headers.contentType = .json
        } else if let raw {
            body = ByteBuffer(string: raw)
            headers.contentType = .json
        }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        let response = try await app.testing().performTest(
            request: TestingHTTPRequest(method: method, url: URI(path: path), headers: headers, body: body))
        let text = String(buffer: response.body)
        let parsed = text.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(text.utf8))
        return Reply(status: response.status, headers: response.headers, text: text, json: parsed)
    }

    /// Sends `body` exactly as given, with `contentType` as the Content-Type header (none when nil): for bodies that
    /// are not JSON, or not valid JSON.
    @discardableResult
    func sendBytes(_ method: HTTPMethod, _ path: String, token: String? = nil, body: [UInt8],
                   contentType: String?, headers extra: [String: String] = [:]) async throws -> Reply {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        if let contentType { headers.replaceOrAdd(name: .contentType, value: contentType) }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        let response = try await app.testing().performTest(
            request: TestingHTTPRequest(method: method, url: URI(path: path), headers: headers,
                                        body: ByteBuffer(bytes: body)))
        let text = String(buffer: response.body)
        let parsed = text.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(text.utf8))
        return Reply(status: response.status, headers: response.headers, text: text, json: parsed)
    }

    /// Registers a user and returns the token and user id.
    func register(_ email: String = "user-\(UUID().uuidString.prefix(8))@example.com",
                  password: String = "correct horse") async throws -> (token: String, id: String) {
        let reply = try await send(.POST, "/api/auth/register", json: ["email": email, "password": password])
        try #require(reply.status == .created, "register failed: \(reply.text)")
        let token = try #require(reply["token"] as? String)
        let user = try #require(reply["user"] as? [String: Any])
        return (token, try #require(user["id"] as? String))
    }

    /// Creates a rule and returns its JSON.
    func createRule(_ token: String, symbol: String = "RELIANCE", min: Double, max: Double,
                    mode: String? = nil) async throws -> [String: Any] {
        var body: [String: Any] = ["symbol": symbol, "min_price": min, "max_price": max]
        if let mode { body["mode"] = mode }
        let reply = try await send(.POST, "/api/rules", token: token, json: body)
        try #require(reply.status == .created, "create rule failed: \(reply.text)")
        return reply.object
    }

    func cart(_ token: String) async throws -> [[String: Any]] {
        let reply = try await send(.GET, "/api/cart", token: token)
        return reply.object["items"] as? [[String: Any]] ?? []
    }

    func order(_ token: String, _ id: String) async throws -> [String: Any] {
        try await send(.GET, "/api/orders/\(id)", token: token).object
    }
}

/// Rounds to paise the way the server's wire format does.
func rupees(_ value: Double) -> Double { (value * 100).rounded() / 100 }
