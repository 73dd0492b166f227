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
        telemetry.httpRequest(method: Self.methodLabel(request.method), route: route, status: response.status.code,
                              seconds: seconds)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.id)
        return response
    }

    /// The method as a metric label: a client can send any token as a method, and every distinct label value is a
    /// new series kept for ever, so anything unusual is counted as OTHER.
    static func methodLabel(_ method: HTTPMethod) -> String {
        switch method {
        case .GET, .POST, .PUT, .PATCH, .DELETE, .HEAD, .OPTIONS: method.rawValue
        default: "OTHER"
        }
    }
}
