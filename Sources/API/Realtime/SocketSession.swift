import Foundation
import NIOCore
import NIOWebSocket
import Synchronization
import TradingCore
import Vapor

/// The state of one WebSocket from upgrade to close: waiting for authentication (messages that arrive meanwhile
/// are kept and handled once the token checks out), then attached to the hub as a `ClientConnection`.
final class SocketSession: Sendable {
    private enum State {
        case awaitingToken(timeout: Scheduled<Void>?)
        case verifying(pending: [String])
        case attached(ClientConnection)
        case closed
    }

    private let socket: WebSocket
    private let services: StockCartServices
    private let state = Mutex<State>(.awaitingToken(timeout: nil))

    init(socket: WebSocket, services: StockCartServices) {
        self.socket = socket
        self.services = services
    }

    func startAuthTimeout(_ delay: TimeAmount) {
        let task = socket.eventLoop.scheduleTask(in: delay) { [self] in
            let expired = state.withLock { state -> Bool in
                if case .awaitingToken = state { state = .closed; return true }
                return false
            }
            if expired { refuse("authentication required: send {\"type\":\"auth\",\"token\":\"…\"} first") }
        }
        state.withLock { state in
            if case .awaitingToken = state { state = .awaitingToken(timeout: task) } else { task.cancel() }
        }
    }

    /// Checks a token (from the URL or an auth message) off the event loop, then attaches or refuses.
    func authenticate(token: String) {
        let cancelled = state.withLock { state -> Scheduled<Void>?? in
            guard case .awaitingToken(let timeout) = state else { return .none }
            state = .verifying(pending: [])
            return .some(timeout)
        }
        guard case .some(let timeout) = cancelled else { return }
        timeout?.cancel()
        Task { [self] in
            let user: AuthenticatedUser
            do {
                user = try await services.authenticator.authenticate(token)
            } catch {
                state.withLock { $0 = .closed }
                refuse((error as? APIError)?.reason ?? "the token could not be checked; try again")
                return
            }
            await attach(user)
        }
    }

    func receive(_ text: String) {
        enum Next { case handle(ClientConnection), authenticate(String), refuse, ignore }
        let next: Next = state.withLock { state in
            switch state {
            case .attached(let connection):
                return .handle(connection)
            case .verifying(var pending):
                pending.append(text)
                state = .verifying(pending: pending)
                return .ignore
            case .awaitingToken:
                guard let message = ClientSocketMessage.parse(text), message.type == "auth", let token = message.token
                else {
                    state = .closed
                    return .refuse
                }
                return .authenticate(token)
            case .closed:
                return .ignore
            }
        }
        switch next {
        case .handle(let connection): SocketMessageHandler.handle(text, from: connection, market: services.hub, prices: services.prices)
        case .authenticate(let token): authenticate(token: token)
        case .refuse: refuse("authentication required: the first message must be {\"type\":\"auth\",\"token\":\"…\"}")
        case .ignore: break
        }
    }

    func closed() {
        let connection = state.withLock { state -> ClientConnection? in
            defer { state = .closed }
            if case .attached(let connection) = state { return connection }
            if case .awaitingToken(let timeout) = state { timeout?.cancel() }
            return nil
        }
        if let connection { services.sockets.remove(connection) }
    }

    private func attach(_ user: AuthenticatedUser) async {
        let connection = ClientConnection(user: user.id, sessionVersion: user.sessionVersion, socket: socket)
        let pending = state.withLock { state -> [String]? in
            guard case .verifying(let pending) = state else { return nil }
            state = .attached(connection)
            return pending
        }
        guard let pending else { return } // closed while the token was being checked
        services.sockets.add(connection)
        // A revocation between the check above and `add` found no socket to close: look again now it is listed.
        guard await services.authenticator.stillValid(user: user.id, sessionVersion: user.sessionVersion) else {
            connection.close(code: SocketController.revokedCode, reason: "token revoked")
            return
        }
        let welcome = SocketMessage.Welcome(userId: user.id.description,
                                            heartbeatSeconds: services.config.socketHeartbeatSeconds)
        connection.send(SocketMessage.text(welcome), droppable: false)
        for text in pending { SocketMessageHandler.handle(text, from: connection, market: services.hub, prices: services.prices) }
        if socket.isClosed { closed() }
    }

    /// Refuses the connection before authentication (a query string that cannot be read, say).
    func reject(_ reason: String) {
        let pending = state.withLock { state -> Scheduled<Void>?? in
            defer { state = .closed }
            if case .awaitingToken(let timeout) = state { return .some(timeout) }
            return .none
        }
        guard case .some(let timeout) = pending else { return }
        timeout?.cancel()
        refuse(reason)
    }

    private func refuse(_ reason: String) {
        let socket = self.socket
        socket.eventLoop.execute {
            guard !socket.isClosed else { return }
            socket.send(SocketMessage.text(SocketMessage.Notice(type: "error", reason: reason)))
            _ = socket.close(code: SocketController.unauthorizedCode)
        }
    }
}
