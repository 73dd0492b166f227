import Brokers
import Engine
import Fluent
import Foundation
import Logging
import Persistence
import TradingCore

/// This instance's place among the instances on one database: which symbols it runs, and how the other instances
/// hear of what changes here. Alone (SQLite) it runs every symbol and tells no one; on PostgreSQL the `LeaseKeeper`
/// shares the symbols out, and rule changes, orders, ticks and socket messages cross over through `LISTEN/NOTIFY`.
final class Cluster: Sendable {
    static let rulesChannel = "stockcart_rules"

    let identity: InstanceIdentity
    let ownership: SymbolOwnership
    /// Nil when alone.
    let keeper: LeaseKeeper?
    private let notifications: ClusterNotifications
    private let engine: AutomationEngine
    private let database: any Database
    private let logger: Logger
    private let hooks: ClusterHooks

    init(identity: InstanceIdentity, ownership: SymbolOwnership, keeper: LeaseKeeper?, hooks: ClusterHooks,
         notifications: ClusterNotifications, engine: AutomationEngine, database: any Database, logger: Logger) {
        self.hooks = hooks
        self.identity = identity
        self.ownership = ownership
        self.keeper = keeper
        self.notifications = notifications
        self.engine = engine
        self.database = database
        self.logger = logger
        if keeper != nil {
            notifications.listen(Self.rulesChannel) { [self] payload in
                guard let uuid = UUID(uuidString: payload) else { return }
                await reload(RuleID(uuid))
            }
            // Rule changes announced while the listening connection was down were missed: read the books again.
            notifications.onReconnect { [self] in await reloadRuleBooks() }
        }
    }

    /// Runs `action` after this instance has taken symbols over and loaded their books.
    func whenSymbolsGained(_ action: @escaping @Sendable () async -> Void) { hooks.add(action) }

    /// The ids of the other live instances (none alone).
    func otherInstances() async throws -> [UUID] {
        guard keeper != nil else { return [] }
        return try await ClusterStore(database: database).live(within: LeaseKeeper.leaseSeconds).map(\.id)
            .filter { $0 != identity.id }
    }

    /// Other live instances (0 when alone).
    var peers: Int { keeper?.peers.current ?? 0 }

    /// Brings the rule books in line with a rule just created or changed through this instance: here if this
    /// instance runs its symbol, and on every other instance (the one that runs it takes it).
    func ruleChanged(_ rule: PriceRule) async {
        if ownership.owns(rule.symbol) {
            engine.apply(rule)
        } else {
            engine.forget(rule.id) // it may have moved away from a symbol this instance runs
        }
        await announce(rule.id)
    }

    /// A rule deleted through this instance: out of every book.
    func ruleDeleted(_ id: RuleID) async {
        engine.forget(id)
        await announce(id)
    }

    private func announce(_ id: RuleID) async {
        guard keeper != nil, peers > 0 else { return }
        do {
            try await notifications.publish(Self.rulesChannel, id.rawValue.uuidString)
        } catch {
            logger.error("""
                could not tell the other instances of a rule change; the instance running its symbol loads it when \
                the symbol next changes hands
                """, metadata: ["rule_id": "\(id)", "error": "\(error)"])
        }
    }

    /// Rebuilds the rule books of every symbol this instance runs from the database.
    private func reloadRuleBooks() async {
        let symbols = ownership.symbols
        do {
            engine.replaceRules(of: symbols, with: try await RuleStore(database: database)
                .liveRules(symbols: symbols.map(\.rawValue)))
        } catch {
            logger.error("could not reload the rule books after the cluster connection came back",
                         metadata: ["error": "\(String(describing: error))"])
        }
    }

    /// Another instance changed a rule: read it as stored and place it (if this instance runs its symbol) or drop it.
    private func reload(_ id: RuleID) async {
        do {
            if let rule = try await RuleStore(database: database).find(id), ownership.owns(rule.symbol) {
                engine.apply(rule)
            } else {
                engine.forget(id)
            }
        } catch {
            logger.error("could not read a rule another instance changed", metadata: ["rule_id": "\(id)", "error": "\(error)"])
        }
    }

    /// Symbols changing hands: the books of those lost are dropped (without cancelling anything); those gained are
    /// cleared of anything stale, owned (announcements now apply here), then filled from the database as it stands:
    /// each live rule placed unless an announcement already placed a newer revision, each pending order taken unless
    /// an announcement already brought it.
    static func handover(engine: AutomationEngine, paper: PaperBroker?, database: any Database, charges: ChargeSchedule,
                         logger: Logger) -> LeaseKeeper.Handover {
        { gained, lost, own in
            if !lost.isEmpty {
                engine.dropRules(of: lost)
                paper?.forget(symbols: lost)
            }
            guard !gained.isEmpty else { return [] }
            engine.dropRules(of: gained)
            paper?.forget(symbols: gained)
            own()
            let names = gained.map(\.rawValue)
            do {
                for rule in try await RuleStore(database: database).liveRules(symbols: names) {
                    engine.apply(rule)
                }
                paper?.acceptUnheld(try await OrderStore(database: database, charges: charges).pending(symbols: names))
                return gained
            } catch {
                engine.dropRules(of: gained)
                paper?.forget(symbols: gained)
                logger.error("could not load the books of symbols taken over; their leases go back", metadata: [
                    "symbols": "\(names.sorted())", "error": "\(String(describing: error))"])
                return []
            }
        }
    }
}
