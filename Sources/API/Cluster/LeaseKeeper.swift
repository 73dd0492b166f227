import Foundation
import Logging
import Persistence
import Synchronization
import TradingCore

/// Shares the market's symbols among the live instances through leases in PostgreSQL, once a second: it renews the
/// leases this instance holds, works out its fair share (the symbols divided by the live instances, the oldest
/// taking the remainder), gives back what is over it, takes free or expired leases up to it, and hands each change
/// to `handover` (load the books of symbols gained, drop those of symbols lost).
///
/// A lease lasts five seconds: an instance that dies (SIGKILL) stops renewing, and within about six seconds the
/// others see it gone and take its symbols. While the database cannot be reached, ownership is left as it is: no
/// other instance can take a lease then either, and the first renewal afterwards says what is still held.
final class LeaseKeeper: Sendable {
    /// Drops the books of the symbols lost and loads those of the symbols gained; answers the gained symbols whose
    /// books it loaded (all of them, or none when the database failed: their leases go back). It calls `own` once the
    /// gained symbols' stale books are cleared and before it reads the database, so that a rule or order announced
    /// while it reads is taken as it arrives, and the read only adds what the announcements did not.
    typealias Handover = @Sendable (_ gained: Set<Symbol>, _ lost: Set<Symbol>, _ own: @Sendable () -> Void) async
        -> Set<Symbol>

    static let leaseSeconds = 5.0
    static let period = Duration.seconds(1)
    /// Instances silent this long are forgotten (their leases expired long before), checked about once a minute:
    /// the table only grows by one row per start, so there is no hurry.
    static let forgetSilentAfter = 3_600.0
    static let pruneEvery = Duration.seconds(60)

    let identity: InstanceIdentity
    private let store: ClusterStore
    private let ownership: SymbolOwnership
    private let symbols: [Symbol]
    private let handover: Handover
    private let logger: Logger
    /// Other live instances, as of the last round (the relays publish only when there is someone to hear).
    let peers: ClusterPeers
    /// Tells the others that leases were just given back, so one takes them at once rather than at its next round.
    private let notifications: ClusterNotifications?
    /// What starts a round: the one-second timer, or another instance giving leases back. One consumer, so rounds
    /// never overlap.
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    static let channel = "stockcart_leases"

    init(identity: InstanceIdentity, store: ClusterStore, ownership: SymbolOwnership, symbols: [Symbol],
         peers: ClusterPeers, notifications: ClusterNotifications?, logger: Logger, handover: @escaping Handover) {
        self.identity = identity
        self.peers = peers
        self.notifications = notifications
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // Registered now, before the listening connection starts (it listens on the channels known when it connects).
        notifications?.listen(Self.channel) { [wake, identity] payload in
            if payload != identity.id.uuidString { wake.yield() }
        }
        self.store = store
        self.ownership = ownership
        self.symbols = symbols.sorted { $0.rawValue < $1.rawValue }
        self.logger = logger
        self.handover = handover
    }

    /// Registers this instance and takes its first share (before the engine starts, so it starts with books).
    func join() async throws {
        try await store.seed(symbols: symbols.map(\.rawValue))
        try await store.prune(silentFor: Self.forgetSilentAfter)
        try await round()
    }

    /// Rounds once a second, and at once when another instance gives leases back, until cancelled.
    func run() async {
        let timer = Task { [wake] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: Self.period)
                } catch {
                    break
                }
                wake.yield()
            }
            wake.finish()
        }
        defer { timer.cancel() }
        var pruned = ContinuousClock.now
        await withTaskCancellationHandler {
            for await _ in wakes {
                if Task.isCancelled { break }
                do {
                    try await round()
                    if ContinuousClock.now - pruned >= Self.pruneEvery {
                        pruned = .now
                        try await store.prune(silentFor: Self.forgetSilentAfter)
                    }
                } catch {
                    logger.warning("lease round failed; keeping the symbols held", metadata: [
                        "error": "\(String(describing: error))", "owned": "\(ownership.count)"])
                }
            }
        } onCancel: { [wake] in
            wake.finish()
        }
    }

    /// Gives every lease back and leaves (graceful shutdown), so the others take the symbols at once.
    func leave() async {
        let owned = ownership.symbols
        ownership.remove(owned)
        _ = await handover([], owned, {})
        do {
            try await store.leave(instance: identity.id)
            try? await notifications?.publish(Self.channel, identity.id.uuidString)
            logger.info("left the cluster; symbols handed back", metadata: ["symbols": "\(owned.count)"])
        } catch {
            logger.warning("could not hand the leases back; they expire in \(Self.leaseSeconds) s",
                           metadata: ["error": "\(String(describing: error))"])
        }
    }

    /// One round: renew, share out, give back, take, hand over.
    func round() async throws {
        let before = ownership.symbols
        let held = Set(try await store.heartbeat(instance: identity.id, name: identity.name,
                                                 startedAt: identity.startedAt, leaseSeconds: Self.leaseSeconds)
            .compactMap(Symbol.init))
        let live = try await store.live(within: Self.leaseSeconds)
        peers.set(live.filter { $0.id != identity.id }.count)
        let count = max(live.count, 1)
        let rank = live.firstIndex { $0.id == identity.id } ?? 0
        let share = symbols.count / count + (rank < symbols.count % count ? 1 : 0)

        var keep = held
        if keep.count > share {
            let surplus = Array(keep.sorted { $0.rawValue < $1.rawValue }.suffix(keep.count - share))
            keep.subtract(surplus)
            // Stop matching them before the lease is free: never two instances on one symbol.
            ownership.remove(surplus)
            try await store.release(instance: identity.id, symbols: surplus.map(\.rawValue))
            try? await notifications?.publish(Self.channel, identity.id.uuidString)
        }
        if keep.count < share {
            let claimed = try await store.claim(instance: identity.id, count: share - keep.count,
                                                leaseSeconds: Self.leaseSeconds)
            keep.formUnion(claimed.compactMap(Symbol.init))
        }
        let gained = keep.subtracting(before)
        let lost = before.subtracting(keep)
        if !gained.isEmpty || !lost.isEmpty {
            ownership.remove(lost)
            let loaded = await handover(gained, lost, { [ownership] in ownership.add(gained) })
            let unloaded = gained.subtracting(loaded)
            if !unloaded.isEmpty {
                ownership.remove(unloaded)
                keep.subtract(unloaded)
                try await store.release(instance: identity.id, symbols: unloaded.map(\.rawValue))
            }
            logger.info("symbols rebalanced", metadata: [
                "instances": "\(live.count)", "owned": "\(keep.count)", "gained": "\(gained.count)",
                "lost": "\(lost.count)"])
        }
    }
}
