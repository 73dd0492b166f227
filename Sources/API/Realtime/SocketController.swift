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
    /// Application close code for an open socket whose token was revoked (logout, a new password, the account
    /// disabled): the client should sign in again rather than reconnect.
    static let revokedCode = WebSocketErrorCode.unknown(4001)
    static let authTimeout: TimeAmount = .seconds(5)

    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        // The synchronous upgrade callback runs on the socket's event loop before any frame is read, so the text
        // handler is in place for the very first message (the async variant registers it later and can miss it).
        routes.grouped(UpgradeRequiredMiddleware()).webSocket("api", "ws", maxFrameSize: 65_536, shouldUpgrade: { request in
            request.eventLoop.makeSucceededFuture([:])
        }, onUpgrade: { [services] request, socket in
            // WebSocketKit pings every interval and closes a socket whose last ping went unanswered.
            socket.pingInterval = .seconds(Int64(services.config.socketHeartbeatSeconds))
            let session = SocketSession(socket: socket, services: services)
            socket.onText { _, text in session.receive(text) }
            socket.onClose.whenComplete { _ in session.closed() }
            do {
                if let token = try request.queryParameters().string("token") {
                    session.authenticate(token: token)
                } else {
                    session.startAuthTimeout(Self.authTimeout)
                }
            } catch let error as APIError {
                session.reject(error.reason)
            } catch {
                session.reject("the query string could not be read")
            }
        })
    }
}
