import Vapor

/// Refuses a request whose path is not valid percent-encoded UTF-8 (`/api/rules/%FF`) with a reason that says so,
/// before the static-file and route lookups, which would each answer a bare "Bad Request" or treat it as not found.
struct PathEncodingMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard !path.utf8.contains(UInt8(ascii: "%")) || path.removingPercentEncoding != nil else {
            throw APIError(.badRequest, "the request path is not valid percent-encoded UTF-8")
        }
        return try await next.respond(to: request)
    }
}
