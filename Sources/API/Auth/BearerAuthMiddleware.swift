import Vapor

/// Requires `Authorization: Bearer <token>` with a valid, unexpired token; otherwise 401.
struct BearerAuthMiddleware: AsyncMiddleware {
    let tokens: TokenService

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let token = Self.bearerToken(request.headers) else {
            throw APIError(.unauthorized, "authentication required: send Authorization: Bearer <token>",
                           headers: ["WWW-Authenticate": "Bearer"])
        }
        guard let user = await tokens.verify(token) else {
            throw APIError(.unauthorized, "token is invalid or expired; log in again",
                           headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
        }
        request.auth.login(AuthenticatedUser(id: user))
        return try await next.respond(to: request)
    }

    /// The token of an `Authorization: Bearer <token>` header (the scheme in any case), read without Vapor's general
    /// header parser, which splits and lower-cases the value on every request.
    static func bearerToken(_ headers: HTTPHeaders) -> String? {
        guard let value = headers.first(name: .authorization) else { return nil }
        let scheme = value.prefix(7)
        guard scheme.count == 7, scheme.lowercased() == "bearer " else { return nil }
        let token = value.dropFirst(7).trimmingBlanks
        return token.isEmpty ? nil : String(token)
    }
}
