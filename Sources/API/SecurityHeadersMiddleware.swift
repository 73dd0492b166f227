import Vapor

/// Conservative browser security headers on every response: a strict Content-Security-Policy (no inline scripts),
/// no MIME sniffing, no framing, no referrer leakage. Static files also get `Cache-Control: no-cache`: browsers keep
/// them but revalidate (ETag) on each load, so an upgrade never runs stale JavaScript modules against a new API.
/// Served over TLS, every response also tells browsers to use HTTPS only (HSTS); over plain HTTP that header would be
/// ignored, and is not sent.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let strictTransportSecurity = "max-age=31536000; includeSubDomains"

    let overTLS: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self' ws: wss:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
        if overTLS {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: Self.strictTransportSecurity)
        }
        if !request.url.path.hasPrefix("/api/"), response.headers.first(name: .cacheControl) == nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        }
        return response
    }
}
