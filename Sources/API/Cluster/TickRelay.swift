import Foundation
import Persistence
import Synchronization
import TradingCore

/// Carries the ticks of the symbols this instance runs to every other instance (PostgreSQL `NOTIFY`), so that every
/// instance shows one market: the same price for a symbol wherever a client is connected. Ticks are batched every
/// 20 ms into notifications of at most ~7.8 KB (PostgreSQL allows 8,000 bytes), one line per tick:
/// `SYMBOL paise volume unix-milliseconds`.
final class TickRelay: Sendable {
    static let channel = "stockcart_ticks"
    static let flushEvery = Duration.milliseconds(20)
    static let payloadLimit = 7_800

    private let notifications: ClusterNotifications
    private let pending = Mutex<[String]>([])
    private let hasPeers: @Sendable () -> Bool

    init(notifications: ClusterNotifications, hasPeers: @escaping @Sendable () -> Bool) {
        self.notifications = notifications
        self.hasPeers = hasPeers
    }

    /// Queues a tick of a symbol this instance runs for the next batch (nothing when no other instance lives).
    func publish(_ tick: Tick) {
        guard hasPeers() else { return }
        let line = "\(tick.symbol.rawValue) \(tick.price.paise) \(tick.volume) "
            + "\(Int64((tick.time.timeIntervalSince1970 * 1_000).rounded()))"
        pending.withLock { $0.append(line) }
    }

    /// Hands every tick another instance relays to `apply`, except those of symbols this one runs (a batch sent
    /// just before a handover).
    func listen(ownership: SymbolOwnership, apply: @escaping @Sendable (Tick) -> Void) {
        notifications.listen(Self.channel) { payload in
            for line in payload.split(separator: "\n") {
                guard let tick = Self.parse(line), !ownership.owns(tick.symbol) else { continue }
                apply(tick)
            }
        }
    }

    /// Sends the queued ticks every 20 ms until cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.flushEvery)
            let lines = pending.withLock { lines -> [String] in
                defer { lines.removeAll(keepingCapacity: true) }
                return lines
            }
            for payload in Self.batches(lines) {
                try? await notifications.publish(Self.channel, payload)
            }
        }
    }

    static func batches(_ lines: [String]) -> [String] {
        var payloads: [String] = []
        var current = ""
        for line in lines {
            if !current.isEmpty, current.utf8.count + line.utf8.count + 1 > payloadLimit {
                payloads.append(current)
                current = ""
            }
            current += current.isEmpty ? line : "\n" + line
        }
        if !current.isEmpty { payloads.append(current) }
        return payloads
    }

    static func parse(_ line: Substring) -> Tick? {
        let fields = line.split(separator: " ")
        guard fields.count == 4, let symbol = Symbol(String(fields[0])), let paise = Int64(fields[1]), paise > 0,
              let volume = Int64(fields[2]), let millis = Int64(fields[3]) else { return nil }
        return Tick(symbol: symbol, price: Money(paise: paise), volume: volume,
                    time: Date(timeIntervalSince1970: Double(millis) / 1_000))
    }
}
