import Vapor

/// Serves the web UI from `Public/` for every path outside the API. API requests skip the file lookup altogether
/// (Vapor's `FileMiddleware` would look for a file on disk for each of them first).
struct StaticFilesMiddleware: AsyncMiddleware {
    let files: FileMiddleware

    init(publicDirectory: String) {
        // `/docs` answers with a redirect to `/docs/`, whose index.html is the API's readable documentation.
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: "index.html", directoryAction: .redirect)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.url.path.hasPrefix("/api/") { return try await next.respond(to: request) }
        return try await files.respond(to: request, chainingTo: next)
    }
}
