import Brokers
import Engine
import Fluent
import Foundation
import MarketData
import Persistence
import TradingCore
import Vapor

/// Puts the cluster together in two steps around the engine: first the feed and broker the engine is built on (on
/// PostgreSQL, the ones that keep to this instance's symbols), then, with the engine, the leases, the relays and the
/// first share of symbols. Alone (SQLite, or a live broker, which runs on one instance) the engine gets the plain
/// feed and broker and loads every rule and pending order, as it always has.
enum ClusterAssembly {
    /// What the engine is built on, and what `join` finishes.
    struct Wiring: Sendable {
        let identity: InstanceIdentity
        let notifications: ClusterNotifications
        let ownership: SymbolOwnership
        let peers: ClusterPeers
        let ticks: TickRelay?
        let feed: any QuoteFeed
        let broker: any Broker
        let paper: PaperBroker?

        var clustered: Bool { ticks != nil }
    }

    static func prepare(config: AppConfig, notifications: ClusterNotifications, stocks: [StockInfo],
                        feed: any QuoteFeed, broker: any Broker, database: any Database, charges: ChargeSchedule,
                        logger: Logger) -> Wiring {
        let identity = InstanceIdentity(port: config.port)
        let peers = ClusterPeers()
        let paper = broker as? PaperBroker
        guard notifications.crossesProcesses, let paper else {
            if notifications.crossesProcesses {
                logger.warning("a live broker runs on one instance: this one runs every symbol, without leases")
            }
            return Wiring(identity: identity, notifications: notifications,
                          ownership: .solo(stocks.map(\.symbol)), peers: peers, ticks: nil, feed: feed,
                          broker: broker, paper: paper)
        }
        let ownership = SymbolOwnership.leased()
        let ticks = TickRelay(notifications: notifications, hasPeers: { peers.any })
        let clusterBroker = ClusterBroker(base: paper, ownership: ownership, notifications: notifications,
                                          orders: OrderStore(database: database, charges: charges),
                                          hasPeers: { peers.any }, logger: logger)
        return Wiring(identity: identity, notifications: notifications, ownership: ownership, peers: peers,
                      ticks: ticks, feed: ClusterFeed(base: feed, ownership: ownership, relay: ticks),
                      broker: clusterBroker, paper: paper)
    }

    static func join(_ wiring: Wiring, engine: AutomationEngine, stocks: [StockInfo], baseFeed: any QuoteFeed,
                     hub: MarketHub, prices: PriceBroadcaster, sockets: SocketHub, database: any Database,
                     charges: ChargeSchedule, jobs: BackgroundJobs, logger: Logger) async throws -> Cluster {
        guard let ticks = wiring.ticks else {
            try await RuleStore(database: database).liveRules { engine.load($0) }
            for order in try await OrderStore(database: database, charges: charges).pending() {
                try await wiring.broker.resume(order)
            }
            return Cluster(identity: wiring.identity, ownership: wiring.ownership, keeper: nil, hooks: ClusterHooks(),
                           notifications: wiring.notifications, engine: engine, database: database, logger: logger)
        }
        // Ticks of the symbols other instances run: to the market hub and the sockets, and the simulator follows them
        // so that the market does not jump if this instance takes a symbol over.
        let simulated = baseFeed as? SimulatedFeed
        let hubObserver = HubTickObserver(hub: hub)
        ticks.listen(ownership: wiring.ownership) { tick in
            hubObserver.observe(tick)
            prices.observe(tick)
            simulated?.follow(tick)
        }
        let events = EventRelay(notifications: wiring.notifications, origin: wiring.identity.id,
                                hasPeers: { wiring.peers.any }, logger: logger)
        sockets.relayMessages { text, user in events.publish(text, to: user) }
        events.listen { user, text in sockets.deliverRelayed(text, to: user) }
        let hooks = ClusterHooks()
        let books = Cluster.handover(engine: engine, paper: wiring.paper, database: database, charges: charges,
                                     logger: logger)
        let keeper = LeaseKeeper(
            identity: wiring.identity, store: ClusterStore(database: database), ownership: wiring.ownership,
            symbols: stocks.map(\.symbol), peers: wiring.peers, notifications: wiring.notifications, logger: logger,
            handover: { gained, lost, own in
                let loaded = await books(gained, lost, own)
                if !loaded.isEmpty { await hooks.symbolsGained() }
                return loaded
            })
        let cluster = Cluster(identity: wiring.identity, ownership: wiring.ownership, keeper: keeper, hooks: hooks,
                              notifications: wiring.notifications, engine: engine, database: database, logger: logger)
        try await keeper.join()
        jobs.add { await keeper.run() }
        jobs.add { await ticks.run() }
        jobs.add { await events.run() }
        logger.info("joined the cluster", metadata: [
            "instance": "\(wiring.identity.id)", "symbols": "\(wiring.ownership.count)"])
        return cluster
    }
}
