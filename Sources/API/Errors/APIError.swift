import Vapor

/// An error meant for the client as it is: status, reason, and the offending field where there is one.
public struct APIError: AbortError, Sendable {
    public let status: HTTPResponseStatus
    public let reason: String
    public let field: String?
    public var headers: HTTPHeaders

    public init(_ status: HTTPResponseStatus, _ reason: String, field: String? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.reason = reason
        self.field = field
        self.headers = headers
    }

    public static func notFound(_ what: String) -> APIError { APIError(.notFound, "\(what) not found") }
    public static func validation(_ field: String, _ reason: String) -> APIError {
        APIError(.unprocessableEntity, reason, field: field)
    }
}
