/// Bad input from a user, naming the offending field. The API maps it to 422 with `field` in the body.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let field: String?
    public let reason: String

    public init(field: String?, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { reason }
}
