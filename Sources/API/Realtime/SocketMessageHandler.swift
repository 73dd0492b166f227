import Foundation
import MarketData
import TradingCore

/// Answers the messages of an authenticated client: subscribe, unsubscribe, ping.
enum SocketMessageHandler {
    /// `prices` is told of a new subscription so the client gets the current quotes without waiting for a tick.
    static func handle(_ text: String, from connection: ClientConnection, market: MarketHub, prices: PriceBroadcaster) {
        guard let message = ClientSocketMessage.parse(text) else {
            reply(connection, SocketMessage.Notice(type: "error", reason: "message is not valid JSON with a type"))
            return
        }
        switch message.type {
        case "subscribe", "unsubscribe":
            var known: [Int] = []
            var unknown: [String] = []
            for raw in message.symbols ?? [] {
                if let symbol = Symbol(raw), let position = market.position(of: symbol) {
                    known.append(position)
                } else {
                    unknown.append(raw)
                }
            }
            if message.type == "subscribe" {
                connection.subscribe(known)
                if message.batch == true { connection.batchPrices() }
                if !known.isEmpty { prices.quotesChanged() }
            } else {
                connection.unsubscribe(known)
            }
            if !unknown.isEmpty {
                reply(connection, SocketMessage.Notice(type: "error",
                                                       reason: "unknown symbols: " + unknown.joined(separator: ", ")))
            }
            reply(connection, SocketMessage.Subscribed(
                symbols: connection.subscribedPositions.map { market.stocks[$0].symbol.rawValue }.sorted()))
        case "ping":
            reply(connection, SocketMessage.Notice(type: "pong", reason: nil))
        case "auth":
            break // already authenticated
        default:
            reply(connection, SocketMessage.Notice(type: "error", reason: "unknown message type '\(message.type)'"))
        }
    }

    private static func reply(_ connection: ClientConnection, _ message: some Encodable) {
        connection.send(SocketMessage.text(message), droppable: false)
    }
}
