import Fluent
import Foundation

/// A user's connection to a real broker: which broker, the client code (shown to the user), and the credentials
/// sealed by the API's vault (AES-256-GCM under `MASTER_KEY`). The database never holds a credential in plaintext.
public final class BrokerAccountModel: Model, @unchecked Sendable {
    // @unchecked: Fluent models are reference types mutated by property wrappers; each instance is used by one task.
    public static let schema = "broker_accounts"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "broker") public var broker: String
    @Field(key: "client_code") public var clientCode: String
    @Field(key: "sealed_credentials") public var sealedCredentials: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    public init(id: UUID? = nil, userID: UUID, broker: String, clientCode: String, sealedCredentials: String,
                createdAt: Date, updatedAt: Date) {
        self.id = id
        self.userID = userID
        self.broker = broker
        self.clientCode = clientCode
        self.sealedCredentials = sealedCredentials
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
