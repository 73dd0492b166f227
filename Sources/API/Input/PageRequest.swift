import Foundation
import Vapor

/// The `?limit=&after=` of a listing: how many items a page holds, and the id of the item it follows (the
/// `next_after` of the page before). Both are checked like every query parameter: present and bad is 400.
struct PageRequest {
    let limit: Int
    let after: UUID?

    init(_ query: QueryParameters, defaultLimit: Int, maxLimit: Int) throws {
        var limit = defaultLimit
        if let raw = try query.string("limit") {
            guard let parsed = Int(raw), (1...maxLimit).contains(parsed) else {
                throw APIError(.badRequest, "limit must be a whole number from 1 to \(maxLimit)", field: "limit")
            }
            limit = parsed
        }
        var after: UUID?
        if let raw = try query.string("after") {
            guard let parsed = UUID(uuidString: raw) else {
                throw APIError(.badRequest, "after must be the id of an item of this listing (a UUID)", field: "after")
            }
            after = parsed
        }
        self.limit = limit
        self.after = after
    }

    /// The `Link` header value that names the next page (`rel="next"`), keeping the listing's other parameters;
    /// nil on the last page.
    func nextLink(_ path: String, keeping parameters: [(String, String)] = [], nextAfter: UUID?) -> String? {
        guard let nextAfter else { return nil }
        var components = URLComponents()
        components.path = path
        components.queryItems = parameters.map { URLQueryItem(name: $0.0, value: $0.1) }
            + [URLQueryItem(name: "after", value: nextAfter.uuidString), URLQueryItem(name: "limit", value: "\(limit)")]
        return "<\(components.string ?? path)>; rel=\"next\""
    }
}

extension Response {
    /// Adds the `Link` header that names the next page, when there is one.
    func linkingNextPage(_ link: String?) -> Response {
        if let link { headers.replaceOrAdd(name: "Link", value: link) }
        return self
    }
}
