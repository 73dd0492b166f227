import Fluent
import Foundation
import SQLKit

/// Failed logins in the database, so the login throttle counts across every instance: an attacker spreading guesses
/// over the instances behind a load balancer meets one limit, not one per instance.
public struct LoginFailureStore: Sendable {
    let database: any Database

    public init(database: any Database) { self.database = database }

    /// For each key, the failures since `since`, oldest first.
    public func failures(keys: [String], since: Date) async throws -> [String: [Date]] {
        let rows = try await LoginFailureModel.query(on: database)
            .filter(\.$key ~~ keys).filter(\.$failedAt > since)
            .sort(\.$failedAt, .ascending).all()
        return Dictionary(grouping: rows, by: \.key).mapValues { $0.map(\.failedAt) }
    }

    /// Records one failure under each key, and forgets failures older than `forgetBefore` (the window has passed them).
    public func record(keys: [String], at time: Date, forgetBefore: Date) async throws {
        try await TransactionRunner.write(on: database) { session in
            for key in keys {
                try await session.run("INSERT INTO login_failures (id, throttle_key, failed_at) VALUES (?, ?, ?)",
                                      [.uuid(UUID.random()), .text(key), .date(time)])
            }
            try await session.run("DELETE FROM login_failures WHERE failed_at < ?", [.date(forgetBefore)])
        }
    }

    /// Forgets the failures under `key` (a successful login clears its e-mail's count).
    public func reset(key: String) async throws {
        try await TransactionRunner.write(on: database) { session in
            try await session.run("DELETE FROM login_failures WHERE throttle_key = ?", [.text(key)])
        }
    }
}
