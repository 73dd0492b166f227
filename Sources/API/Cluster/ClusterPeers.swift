import Synchronization

/// How many other instances are alive, as the last lease round saw it: the relays publish only when someone listens.
final class ClusterPeers: Sendable {
    private let count = Atomic<Int>(0)

    var current: Int { count.load(ordering: .relaxed) }
    var any: Bool { current > 0 }

    func set(_ value: Int) { count.store(value, ordering: .relaxed) }
}
