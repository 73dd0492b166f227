import Foundation
import Vapor

/// Counts requests and records their latency by route pattern (not the raw path, which would explode the label
/// set with ids), and echoes the request id so a client can quote it when reporting a problem.
struct MetricsMiddleware: AsyncMiddleware {
    let telemetry: Telemetry

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let elapsed = ContinuousClock.now - start
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        telemetry.httpRequest(method: request.method.rawValue, route: route, status: response.status.code,
                              seconds: seconds)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.id)
        return response
    }
}
