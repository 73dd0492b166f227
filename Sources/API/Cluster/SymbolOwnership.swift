import Synchronization
import TradingCore

/// Which symbols this instance runs (feed, rule book, paper matching). Alone on SQLite it runs every symbol; on
/// PostgreSQL the `LeaseKeeper` keeps this in line with the leases it holds. Read on every tick.
final class SymbolOwnership: Sendable {
    private let owned: Mutex<Set<Symbol>>
    /// Alone: every symbol, always (no leases).
    let solo: Bool

    /// Alone, owning every symbol.
    static func solo(_ symbols: [Symbol]) -> SymbolOwnership { SymbolOwnership(owned: Set(symbols), solo: true) }

    /// In a cluster, owning nothing until leases are taken.
    static func leased() -> SymbolOwnership { SymbolOwnership(owned: [], solo: false) }

    private init(owned: Set<Symbol>, solo: Bool) {
        self.owned = Mutex(owned)
        self.solo = solo
    }

    func owns(_ symbol: Symbol) -> Bool { owned.withLock { $0.contains(symbol) } }

    var symbols: Set<Symbol> { owned.withLock { $0 } }

    var count: Int { owned.withLock { $0.count } }

    func add(_ symbols: some Sequence<Symbol>) { owned.withLock { $0.formUnion(symbols) } }

    func remove(_ symbols: some Sequence<Symbol>) { owned.withLock { $0.subtract(symbols) } }
}
