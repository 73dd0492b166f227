import Foundation
import MarketData
import NIOCore
import NIOWebSocket
import TradingCore
import Vapor

/// `GET /api/ws`: the real-time channel. Authenticates with the JWT (`?token=` or a first `auth` message within
/// five seconds); then the client subscribes to symbols for `price` messages and receives its own `cart.added`,
/// `rule.fired` and `order.updated` events. Unauthenticated sockets are closed with code 4401 and a reason.
struct SocketController {
    /// Application close code for a missing or bad token (4000–4999 is reserved for applications).
    static let unauthorizedCode = WebSocketErrorCode.unknown(4401)
    static let authTimeout: TimeAmount = .seconds(5)
    static let heartbeat: TimeAmount = .seconds(20)

    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        routes.webSocket("api", "ws", maxFrameSize: 65_536) { request, socket async in
            await accept(request: request, socket: socket)
        }
    }

    private func accept(request: Request, socket: WebSocket) async {
        socket.pingInterval = Self.heartbeat
        if let token = request.query[String.self, at: "token"] {
            guard let user = await services.tokens.verify(token) else {
                refuse(socket, reason: "invalid or expired token")
                return
            }
            attach(user: user, socket: socket)
            return
        }
        // No token in the URL: the first message must be {"type":"auth","token":"…"}.
        let timeout = socket.eventLoop.scheduleTask(in: Self.authTimeout) {
            refuse(socket, reason: "authentication required: send {\"type\":\"auth\",\"token\":\"…\"}")
        }
        socket.onText { socket, text async in
            guard let message = try? JSONDecoder().decode(ClientSocketMessage.self, from: Data(text.utf8)),
                  message.type == "auth", let token = message.token
            else {
                timeout.cancel()
                refuse(socket, reason: "authentication required: the first message must be an auth message")
                return
            }
            timeout.cancel()
            guard let user = await services.tokens.verify(token) else {
                refuse(socket, reason: "invalid or expired token")
                return
            }
            attach(user: user, socket: socket)
        }
    }

    private func refuse(_ socket: WebSocket, reason: String) {
        socket.eventLoop.execute {
            guard !socket.isClosed else { return }
            socket.send(SocketMessage.text(SocketMessage.Notice(type: "error", reason: reason)))
            _ = socket.close(code: Self.unauthorizedCode)
        }
    }

    private func attach(user: UserID, socket: WebSocket) {
        let connection = ClientConnection(user: user, socket: socket)
        let hub = services.sockets
        let market = services.hub
        hub.add(connection)
        socket.onClose.whenComplete { _ in hub.remove(connection) }
        connection.send(SocketMessage.text(SocketMessage.Welcome(userId: user.description, heartbeatSeconds: 20)),
                        droppable: false)
        socket.onText { _, text in
            handle(text, from: connection, market: market)
        }
    }

    private func handle(_ text: String, from connection: ClientConnection, market: MarketHub) {
        guard let message = try? JSONDecoder().decode(ClientSocketMessage.self, from: Data(text.utf8)) else {
            connection.send(SocketMessage.text(SocketMessage.Notice(type: "error", reason: "message is not valid JSON")),
                            droppable: false)
            return
        }
        switch message.type {
        case "subscribe", "unsubscribe":
            var known: [Symbol] = []
            var unknown: [String] = []
            for raw in message.symbols ?? [] {
                if let symbol = Symbol(raw), market.stock(for: symbol) != nil { known.append(symbol) } else { unknown.append(raw) }
            }
            if message.type == "subscribe" { connection.subscribe(known) } else { connection.unsubscribe(known) }
            if !unknown.isEmpty {
                let reason = "unknown symbols: " + unknown.joined(separator: ", ")
                connection.send(SocketMessage.text(SocketMessage.Notice(type: "error", reason: reason)), droppable: false)
            }
            connection.send(SocketMessage.text(SocketMessage.Subscribed(
                symbols: connection.subscribedSymbols.map(\.rawValue).sorted())), droppable: false)
        case "ping":
            connection.send(SocketMessage.text(SocketMessage.Notice(type: "pong", reason: nil)), droppable: false)
        case "auth":
            break // already authenticated
        default:
            connection.send(SocketMessage.text(SocketMessage.Notice(
                type: "error", reason: "unknown message type '\(message.type)'")), droppable: false)
        }
    }
}
