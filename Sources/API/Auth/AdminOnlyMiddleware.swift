import Persistence
import Vapor

/// Lets only administrators through (after `BearerAuthMiddleware`); anyone else signed in gets 403.
struct AdminOnlyMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard try request.user.role == .admin else { throw APIError(.forbidden, "administrators only") }
        return try await next.respond(to: request)
    }
}
