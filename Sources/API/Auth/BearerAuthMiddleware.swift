import Vapor

/// Requires `Authorization: Bearer <token>` with a valid, unexpired token; otherwise 401.
struct BearerAuthMiddleware: AsyncMiddleware {
    let tokens: TokenService

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else {
            throw APIError(.unauthorized, "authentication required: send Authorization: Bearer <token>",
                           headers: ["WWW-Authenticate": "Bearer"])
        }
        guard let user = await tokens.verify(bearer.token) else {
            throw APIError(.unauthorized, "token is invalid or expired; log in again",
                           headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
        }
        request.auth.login(AuthenticatedUser(id: user))
        return try await next.respond(to: request)
    }
}
