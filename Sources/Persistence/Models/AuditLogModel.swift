import Fluent
import Foundation

/// An append-only record of a security- or money-relevant action (login, rule change, checkout, order).
public final class AuditLogModel: Model, @unchecked Sendable {
    public static let schema = "audit_log"

    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "user_id") public var userID: UUID?
    @Field(key: "action") public var action: String
    @OptionalField(key: "entity_id") public var entityID: String?
    @OptionalField(key: "detail") public var detail: String?
    @OptionalField(key: "ip") public var ip: String?
    @OptionalField(key: "request_id") public var requestID: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}
