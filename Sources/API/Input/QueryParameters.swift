import Foundation
import Vapor

/// A request's query string, read strictly: a parameter that is present is decoded or refused, never taken as absent.
///
/// `?limit=%FF` (bytes that are not UTF-8 once percent-decoded) and `?limit=1&limit=2` (which one was meant?) answer
/// 400 naming the parameter; parameters the route does not read are ignored, as HTTP caches and proxies add some.
struct QueryParameters {
    private var values: [String: [String?]] = [:]

    init(_ request: Request) throws {
        guard let query = request.url.query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else {
                throw APIError(.badRequest, "a query parameter name is not valid percent-encoded UTF-8",
                               field: String(parts[0]))
            }
            // `?name` without `=` is present with an empty value, as in a browser's form encoding.
            values[name, default: []].append(parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The value of `name`, nil when the query does not have it; 400 when it cannot be decoded or is repeated.
    func string(_ name: String) throws -> String? {
        guard let given = values[name] else { return nil }
        guard given.count == 1 else {
            throw APIError(.badRequest, "query parameter \(name) is given \(given.count) times; give it once", field: name)
        }
        guard let value = given[0] else {
            throw APIError(.badRequest, "query parameter \(name) is not valid percent-encoded UTF-8", field: name)
        }
        return value
    }

    /// Form encoding: `+` is a space, then `%XX` escapes, which must spell UTF-8.
    private static func decode(_ raw: Substring) -> String? {
        raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

extension Request {
    /// The query string, read strictly (see `QueryParameters`).
    func queryParameters() throws -> QueryParameters { try QueryParameters(self) }
}
