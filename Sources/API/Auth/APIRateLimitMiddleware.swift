import Vapor

/// Answers 429 with `Retry-After` when the signed-in user has used up their requests (`APIRateLimiter`). Runs after
/// `BearerAuthMiddleware`, so every authenticated route counts and anonymous ones are left to the login throttle.
struct APIRateLimitMiddleware: AsyncMiddleware {
    let limiter: APIRateLimiter

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let wait = limiter.take(try request.user.id) {
            throw APIError(.tooManyRequests,
                           "too many requests: at most \(Int(limiter.perSecond)) a second; retry in \(wait) seconds",
                           headers: ["Retry-After": String(wait)])
        }
        return try await next.respond(to: request)
    }
}
