import Foundation
import Persistence
import Vapor

/// `GET /api/cluster` (administrators): the live instances and the symbols each runs.
struct ClusterController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        routes.get("api", "cluster", use: cluster)
    }

    struct InstanceView: Content {
        var id: UUID
        var name: String
        var startedAt: Date
        var heartbeatAt: Date
        var this: Bool
        var symbols: [String]

        enum CodingKeys: String, CodingKey {
            case id, name, this, symbols
            case startedAt = "started_at"
            case heartbeatAt = "heartbeat_at"
        }
    }

    struct ClusterView: Content {
        /// False when this instance runs alone (SQLite, or a live broker): it runs every symbol, without leases.
        var clustered: Bool
        var instance: UUID
        var leaseSeconds: Double
        var instances: [InstanceView]
        /// Symbols no live instance holds a lease on (for a moment while they change hands).
        var unowned: [String]

        enum CodingKeys: String, CodingKey {
            case clustered, instance, instances, unowned
            case leaseSeconds = "lease_seconds"
        }
    }

    @Sendable func cluster(_ req: Request) async throws -> ClusterView {
        let cluster = services.cluster
        let identity = cluster.identity
        guard cluster.keeper != nil else {
            let now = Date()
            return ClusterView(clustered: false, instance: identity.id, leaseSeconds: LeaseKeeper.leaseSeconds,
                               instances: [InstanceView(id: identity.id, name: identity.name,
                                                        startedAt: identity.startedAt, heartbeatAt: now, this: true,
                                                        symbols: cluster.ownership.symbols.map(\.rawValue).sorted())],
                               unowned: [])
        }
        let store = ClusterStore(database: req.db)
        let live = try await store.live(within: LeaseKeeper.leaseSeconds)
        let leases = try await store.leases()
        let now = Date()
        var held: [UUID: [String]] = [:]
        var unowned: [String] = []
        let liveIDs = Set(live.map(\.id))
        for lease in leases {
            if let owner = lease.instanceID, liveIDs.contains(owner), let until = lease.expiresAt, until > now {
                held[owner, default: []].append(lease.symbol)
            } else {
                unowned.append(lease.symbol)
            }
        }
        return ClusterView(
            clustered: true, instance: identity.id, leaseSeconds: LeaseKeeper.leaseSeconds,
            instances: live.map { InstanceView(id: $0.id, name: $0.name, startedAt: $0.startedAt,
                                               heartbeatAt: $0.heartbeatAt, this: $0.id == identity.id,
                                               symbols: held[$0.id] ?? []) },
            unowned: unowned)
    }
}
