import Vapor

/// Requires `Authorization: Bearer <token>` with a valid, unexpired, unrevoked token of an enabled account; otherwise
/// 401 (403 for a disabled account).
struct BearerAuthMiddleware: AsyncMiddleware {
    let authenticator: Authenticator

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let token = Self.bearerToken(request.headers) else {
            throw APIError(.unauthorized, "authentication required: send Authorization: Bearer <token>",
                           headers: ["WWW-Authenticate": "Bearer"])
        }
        request.auth.login(try await authenticator.authenticate(token))
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
