import Vapor

/// Answers 426 to a plain HTTP request on the WebSocket route. Without it Vapor sends its 101 response even when the
/// request asked for no upgrade, and the client is left with a connection that speaks neither protocol.
struct UpgradeRequiredMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let upgrade = request.headers[.upgrade].contains { $0.lowercased().contains("websocket") }
        let connection = request.headers[.connection].contains { $0.lowercased().contains("upgrade") }
        guard upgrade && connection else {
            throw APIError(.upgradeRequired, "this endpoint is a WebSocket: connect with a WebSocket client",
                           headers: ["Upgrade": "websocket", "Connection": "Upgrade"])
        }
        return try await next.respond(to: request)
    }
}
