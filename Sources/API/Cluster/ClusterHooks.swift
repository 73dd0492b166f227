import Synchronization

/// What else must follow when this instance takes symbols over (the auto-traders' desks rebuilt from the database),
/// registered by services built after the lease keeper.
final class ClusterHooks: Sendable {
    private let gained = Mutex<[@Sendable () async -> Void]>([])

    func add(_ action: @escaping @Sendable () async -> Void) { gained.withLock { $0.append(action) } }

    func symbolsGained() async {
        for action in gained.withLock({ $0 }) { await action() }
    }
}
