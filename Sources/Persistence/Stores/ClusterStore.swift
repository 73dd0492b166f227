import Fluent
import Foundation
import SQLKit

/// The instances alive on one PostgreSQL and the leases that share the market's symbols among them. Every time is
/// the database's own clock (`clock_timestamp()`), so instances on machines whose clocks disagree still agree on
/// who holds what. PostgreSQL only.
public struct ClusterStore: Sendable {
    /// A live instance, as the database saw its last heartbeat.
    public struct Instance: Sendable, Equatable {
        public let id: UUID
        public let name: String
        public let startedAt: Date
        public let heartbeatAt: Date
    }

    /// One symbol's lease: held by an instance until it expires, or free.
    public struct Lease: Sendable, Equatable {
        public let symbol: String
        public let instanceID: UUID?
        public let expiresAt: Date?
    }

    let database: any Database

    public init(database: any Database) { self.database = database }

    private var sql: any SQLDatabase {
        get throws {
            guard let sql = database as? any SQLDatabase else { throw PersistenceError.notSQL }
            return sql
        }
    }

    /// Makes sure every symbol has a lease row (free until someone claims it).
    public func seed(symbols: [String]) async throws {
        let sql = try sql
        for symbol in symbols {
            try await sql.raw("""
                INSERT INTO symbol_leases (symbol, instance_id, expires_at) VALUES (\(bind: symbol), NULL, NULL)
                ON CONFLICT (symbol) DO NOTHING
                """).run()
        }
    }

    /// Records that `instance` is alive now and extends every lease it still holds by `leaseSeconds`. Answers the
    /// symbols it holds: a lease that expired and was taken by another instance is no longer among them.
    public func heartbeat(instance: UUID, name: String, startedAt: Date, leaseSeconds: Double) async throws -> [String] {
        let sql = try sql
        try await sql.raw("""
            INSERT INTO cluster_instances (id, name, started_at, heartbeat_at)
            VALUES (\(bind: instance), \(bind: name), \(bind: startedAt), clock_timestamp())
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = clock_timestamp()
            """).run()
        return try await sql.raw("""
            UPDATE symbol_leases SET expires_at = clock_timestamp() + make_interval(secs => \(bind: leaseSeconds))
            WHERE instance_id = \(bind: instance) AND expires_at > clock_timestamp()
            RETURNING symbol
            """).all().map { try $0.decode(column: "symbol", as: String.self) }
    }

    /// The instances whose last heartbeat is younger than `seconds`, oldest first (by start, then id).
    public func live(within seconds: Double) async throws -> [Instance] {
        try await sql.raw("""
            SELECT id, name, started_at, heartbeat_at FROM cluster_instances
            WHERE heartbeat_at > clock_timestamp() - make_interval(secs => \(bind: seconds))
            ORDER BY started_at, id
            """).all().map {
            Instance(id: try $0.decode(column: "id", as: UUID.self), name: try $0.decode(column: "name", as: String.self),
                     startedAt: try $0.decode(column: "started_at", as: Date.self),
                     heartbeatAt: try $0.decode(column: "heartbeat_at", as: Date.self))
        }
    }

    /// Takes up to `count` free or expired leases for `instance` (others claiming at the same moment skip the rows
    /// being taken instead of waiting); the symbols taken.
    public func claim(instance: UUID, count: Int, leaseSeconds: Double) async throws -> [String] {
        guard count > 0 else { return [] }
        return try await sql.raw("""
            UPDATE symbol_leases SET instance_id = \(bind: instance),
                   expires_at = clock_timestamp() + make_interval(secs => \(bind: leaseSeconds))
            WHERE symbol IN (
                SELECT symbol FROM symbol_leases
                WHERE instance_id IS NULL OR expires_at IS NULL OR expires_at <= clock_timestamp()
                ORDER BY symbol LIMIT \(bind: count) FOR UPDATE SKIP LOCKED)
            RETURNING symbol
            """).all().map { try $0.decode(column: "symbol", as: String.self) }
    }

    /// Gives up `symbols` (only those `instance` still holds), free for another instance at once.
    public func release(instance: UUID, symbols: [String]) async throws {
        guard !symbols.isEmpty else { return }
        try await sql.raw("""
            UPDATE symbol_leases SET instance_id = NULL, expires_at = NULL
            WHERE instance_id = \(bind: instance) AND symbol IN (\(binds: symbols))
            """).run()
    }

    /// Leaves the cluster: every lease released and the instance forgotten (a graceful shutdown).
    public func leave(instance: UUID) async throws {
        let sql = try sql
        try await sql.raw("UPDATE symbol_leases SET instance_id = NULL, expires_at = NULL WHERE instance_id = \(bind: instance)").run()
        try await sql.raw("DELETE FROM cluster_instances WHERE id = \(bind: instance)").run()
    }

    /// Every lease, by symbol.
    public func leases() async throws -> [Lease] {
        try await sql.raw("SELECT symbol, instance_id, expires_at FROM symbol_leases ORDER BY symbol").all().map {
            Lease(symbol: try $0.decode(column: "symbol", as: String.self),
                  instanceID: try $0.decode(column: "instance_id", as: UUID?.self),
                  expiresAt: try $0.decode(column: "expires_at", as: Date?.self))
        }
    }

    /// Forgets instances silent for longer than `seconds` (their leases have long expired).
    public func prune(silentFor seconds: Double) async throws {
        try await sql.raw("""
            DELETE FROM cluster_instances WHERE heartbeat_at < clock_timestamp() - make_interval(secs => \(bind: seconds))
            """).run()
    }
}
