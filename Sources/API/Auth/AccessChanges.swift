import Foundation
import Persistence
import TradingCore
import Vapor

/// Makes a change to a user's access (logout, a new password, disabled, a new role) take effect on every instance:
/// each drops what it cached about the user and closes the user's sockets whose token no longer holds. The change
/// itself is already committed to the database; the message only says whom to look at again.
final class AccessChanges: Sendable {
    static let channel = "stockcart_access"

    private let notifications: ClusterNotifications
    private let directory: AccessDirectory
    private let authenticator: Authenticator
    private let sockets: SocketHub
    private let logger: Logger

    init(notifications: ClusterNotifications, directory: AccessDirectory, authenticator: Authenticator,
         sockets: SocketHub, logger: Logger) {
        self.notifications = notifications
        self.directory = directory
        self.authenticator = authenticator
        self.sockets = sockets
        self.logger = logger
        notifications.listen(Self.channel) { [self] payload in
            guard let uuid = UUID(uuidString: payload) else { return }
            await apply(UserID(uuid))
        }
        // Messages sent while the listener was away are lost: forget everything, and look again at every socket.
        notifications.onReconnect { [self] in
            directory.forgetAll()
            for user in sockets.connectedUsers { await apply(user) }
        }
    }

    /// Applies the change here at once (the caller's next request must see it), then tells every other instance.
    /// A failure to tell them is logged, not thrown: the change is committed, and other instances' caches expire.
    func announce(_ user: UserID) async {
        await apply(user)
        guard notifications.crossesProcesses else { return }
        do {
            try await notifications.publish(Self.channel, user.description)
        } catch {
            logger.error("could not tell the other instances about an access change; their caches expire within 30 s",
                         metadata: ["user": "\(user)", "error": "\(String(describing: error))"])
        }
    }

    private func apply(_ user: UserID) async {
        directory.forget(user)
        for connection in sockets.sockets(of: user)
        where await !authenticator.stillValid(user: user, sessionVersion: connection.sessionVersion) {
            connection.close(code: SocketController.revokedCode, reason: "token revoked")
        }
    }
}
