import Fluent
import Foundation

/// A user's broker account as stored: the credentials stay sealed (the API's vault opens them).
public struct StoredBrokerAccount: Equatable, Sendable {
    public var userID: UUID
    public var broker: String
    public var clientCode: String
    public var sealedCredentials: String
    public var createdAt: Date
    public var updatedAt: Date
}

/// Users' broker accounts: one per user, replaced by a new connection, deleted by a disconnection. Every query is
/// scoped to its owner; each change commits with its audit row.
public struct BrokerAccountStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// Stores the account, replacing the user's previous one.
    public func save(userID: UUID, broker: String, clientCode: String, sealedCredentials: String,
                     audit: AuditEntry) async throws -> StoredBrokerAccount {
        let now = audit.time
        let rows = try await TransactionRunner.write(on: database) { session in
            let rows = try await session.run("""
                INSERT INTO broker_accounts (id, user_id, broker, client_code, sealed_credentials, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET broker = excluded.broker, client_code = excluded.client_code,
                    sealed_credentials = excluded.sealed_credentials, updated_at = excluded.updated_at
                RETURNING user_id, broker, client_code, sealed_credentials, created_at, updated_at
                """, [.uuid(UUID.random()), .uuid(userID), .text(broker), .text(clientCode), .text(sealedCredentials),
                      .date(now), .date(now)])
            try await AuditStore.append(audit, in: session)
            return rows
        }
        guard let row = rows.first else { throw PersistenceError.corruptRow(table: "broker_accounts", id: userID) }
        return try Self.account(row)
    }

    public func find(userID: UUID) async throws -> StoredBrokerAccount? {
        try await BrokerAccountModel.query(on: database).filter(\.$userID == userID).first().map(Self.account)
    }

    /// Every stored account, to re-establish the sessions after a restart.
    public func all() async throws -> [StoredBrokerAccount] {
        try await BrokerAccountModel.query(on: database).all().map(Self.account)
    }

    /// Deletes the user's account; false if there was none (and then no audit row is written).
    public func delete(userID: UUID, audit: AuditEntry) async throws -> Bool {
        try await TransactionRunner.write(on: database) { session in
            let deleted = try await session.run("DELETE FROM broker_accounts WHERE user_id = ? RETURNING user_id",
                                                [.uuid(userID)])
            guard !deleted.isEmpty else { return false }
            try await AuditStore.append(audit, in: session)
            return true
        }
    }

    private static func account(_ row: any SQLResultRow) throws -> StoredBrokerAccount {
        StoredBrokerAccount(userID: try row.uuid("user_id"), broker: try row.text("broker"),
                            clientCode: try row.text("client_code"), sealedCredentials: try row.text("sealed_credentials"),
                            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    private static func account(_ model: BrokerAccountModel) -> StoredBrokerAccount {
        StoredBrokerAccount(userID: model.userID, broker: model.broker, clientCode: model.clientCode,
                            sealedCredentials: model.sealedCredentials, createdAt: model.createdAt,
                            updatedAt: model.updatedAt)
    }
}
