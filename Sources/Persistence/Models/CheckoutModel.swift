import Fluent
import Foundation

/// One checkout, keyed by the client's `Idempotency-Key` (unique per user), so a retry finds the orders it made.
public final class CheckoutModel: Model, @unchecked Sendable {
    public static let schema = "checkouts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "idempotency_key") public var idempotencyKey: String
    /// A digest of the request body: the same key with a different body is refused rather than answered wrongly.
    @Field(key: "fingerprint") public var fingerprint: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}
