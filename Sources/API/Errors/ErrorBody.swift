import Vapor

/// The JSON body of every error response: `{"error": true, "reason": "…", "field": "…"}` (`field` only when known).
struct ErrorBody: Content {
    var error = true
    var reason: String
    var field: String?
}
