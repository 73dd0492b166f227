import Foundation
import MarketData
import NIOCore
import Synchronization
import TradingCore

/// The market watch answer (`GET /api/stocks`) as JSON bytes, encoded once per change of a quote instead of once per
/// request: each stock's object is kept encoded, re-encoded only when its quote moved (the hub's per-symbol
/// sequence), and a request joins the objects it wants.
///
/// The bytes are exactly what encoding `[StockResponse]` gives, so the answer is the same JSON as before.
final class MarketWatchCache: Sendable {
    private struct Entry {
        var sequence: UInt64
        var json: [UInt8]
    }

    private struct State {
        var version: UInt64 = .max
        var entries: [Entry] = []
        /// The whole list, joined, for the unfiltered request.
        var all: [UInt8] = []
    }

    private let hub: MarketHub
    private let encoder = APICoders.makeEncoder()
    /// The catalogue fields each search and filter reads, lower-cased once.
    private let searchable: [(symbol: String, name: String, sector: String)]
    private let state = Mutex(State())

    init(hub: MarketHub) {
        self.hub = hub
        searchable = hub.stocks.map { ($0.symbol.rawValue.lowercased(), $0.name.lowercased(), $0.sector.lowercased()) }
    }

    /// The JSON array of every stock whose symbol or name contains `search` and whose sector is `sector` (both
    /// lower-case; empty means any), in catalogue order.
    func body(search: String, sector: String) throws -> ByteBuffer {
        try state.withLock { state in
            try refresh(&state)
            if search.isEmpty && sector.isEmpty { return ByteBuffer(bytes: state.all) }
            var out: [UInt8] = [UInt8(ascii: "[")]
            var first = true
            for (index, fields) in searchable.enumerated() {
                if !search.isEmpty && !fields.symbol.contains(search) && !fields.name.contains(search) { continue }
                if !sector.isEmpty && fields.sector != sector { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: state.entries[index].json)
                first = false
            }
            out.append(UInt8(ascii: "]"))
            return ByteBuffer(bytes: out)
        }
    }

    /// Re-encodes the stocks whose quotes changed since the last request, under the lock, so that concurrent
    /// requests after a tick wait for one encoding rather than each doing it.
    private func refresh(_ state: inout State) throws {
        guard hub.version != state.version else { return }
        let (version, quotes) = hub.versionedQuotes()
        var changed = state.entries.count != quotes.count
        if changed { state.entries = [] }
        for (index, sequenced) in quotes.enumerated() {
            if index < state.entries.count, state.entries[index].sequence == sequenced.sequence { continue }
            let response = StockResponse(stock: hub.stocks[index], quote: sequenced.quote)
            let entry = Entry(sequence: sequenced.sequence, json: Array(try encoder.encode(response)))
            if index < state.entries.count { state.entries[index] = entry } else { state.entries.append(entry) }
            changed = true
        }
        state.version = version
        guard changed else { return }
        var all: [UInt8] = [UInt8(ascii: "[")]
        for (index, entry) in state.entries.enumerated() {
            if index > 0 { all.append(UInt8(ascii: ",")) }
            all.append(contentsOf: entry.json)
        }
        all.append(UInt8(ascii: "]"))
        state.all = all
    }
}
