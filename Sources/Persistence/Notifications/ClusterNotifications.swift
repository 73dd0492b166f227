import Fluent
import FluentPostgresDriver
import Foundation
import Logging
import NIOCore
import SQLKit
import Synchronization

/// Short messages from one StockCart instance to every instance on the same database ("this user's tokens were
/// revoked"), through PostgreSQL's `LISTEN`/`NOTIFY`: nothing home-made between the instances.
///
/// On SQLite there is only ever one instance, so a message goes straight to this process's listeners. Messages are
/// hints to drop cached state, never the state itself: a listener that missed some (its connection dropped) is told
/// through `onReconnect` and drops everything it cached.
public final class ClusterNotifications: Sendable {
    public typealias Listener = @Sendable (_ payload: String) async -> Void

    private struct Handlers {
        var byChannel: [String: [Listener]] = [:]
        var onReconnect: [@Sendable () async -> Void] = []
    }

    private enum Transport {
        case inProcess
        case postgres(PostgresConnection.Configuration)
    }

    private let transport: Transport
    /// Appended to every channel name: the tests' apps share one PostgreSQL server, each in a schema of its own, and
    /// must not hear each other (channels belong to the server, not to a schema).
    private let namespace: String
    private let database: any Database
    private let handlers = Mutex(Handlers())
    private let logger: Logger

    /// Notifications for `target`, sending through `database` (the server's own pool).
    public init(target: DatabaseSetup.Target, database: any Database, logger: Logger) throws {
        switch target {
        case .postgres(let url):
            transport = .postgres(try SQLPostgresConfiguration(url: url).coreConfiguration)
            namespace = ""
        case .postgresSchema(let url, let schema):
            transport = .postgres(try SQLPostgresConfiguration(url: url).coreConfiguration)
            namespace = schema
        case .sqliteFile, .sqliteMemory:
            transport = .inProcess
            namespace = ""
        }
        self.database = database
        self.logger = logger
    }

    /// Whether messages reach other processes (PostgreSQL) or only this one (SQLite).
    public var crossesProcesses: Bool {
        if case .postgres = transport { return true }
        return false
    }

    /// Calls `listener` with the payload of every message on `channel`, from any instance, this one included.
    public func listen(_ channel: String, _ listener: @escaping Listener) {
        let channel = scoped(channel)
        handlers.withLock { $0.byChannel[channel, default: []].append(listener) }
    }

    /// Calls `action` after the listening connection was lost and made again (messages may have been missed).
    public func onReconnect(_ action: @escaping @Sendable () async -> Void) {
        handlers.withLock { $0.onReconnect.append(action) }
    }

    /// Sends `payload` to every instance's listeners of `channel` (at most 8,000 bytes, PostgreSQL's limit).
    public func publish(_ channel: String, _ payload: String) async throws {
        let channel = scoped(channel)
        switch transport {
        case .inProcess:
            for listener in listeners(of: channel) { await listener(payload) }
        case .postgres:
            guard let sql = database as? any SQLDatabase else { return }
            try await sql.raw("SELECT pg_notify(\(bind: channel), \(bind: payload))").run()
        }
    }

    /// Keeps a connection listening on every channel with a listener until the task is cancelled, reconnecting
    /// with a growing pause (up to 5 s) when it drops. Returns at once on SQLite.
    public func run(on eventLoop: any EventLoop) async {
        guard case .postgres(let configuration) = transport else { return }
        var pause = Duration.milliseconds(100)
        var connectedBefore = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(on: eventLoop, configuration: configuration,
                                                                       id: 0, logger: logger)
                if connectedBefore {
                    logger.info("cluster notifications: listening again; dropping cached state")
                    for action in handlers.withLock({ $0.onReconnect }) { await action() }
                }
                connectedBefore = true
                pause = .milliseconds(100)
                do {
                    try await listen(on: connection)
                } catch {
                    // A connection must be closed, even a broken one, before it goes.
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                logger.warning("cluster notifications: connection lost; retrying",
                               metadata: ["error": "\(String(describing: error))", "pause": "\(pause)"])
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
        }
    }

    /// Listens on every channel through `connection` until it drops or the task is cancelled.
    private func listen(on connection: PostgresConnection) async throws {
        let channels = handlers.withLock { Array($0.byChannel.keys) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for channel in channels {
                group.addTask { [self] in
                    try await connection.listen(on: channel) { notifications in
                        for try await notification in notifications {
                            for listener in listeners(of: channel) { await listener(notification.payload) }
                        }
                    }
                }
            }
            // One channel's stream ending (the connection closed) ends them all.
            try await group.next()
            group.cancelAll()
        }
    }

    /// The channel's name on the server: lower-case, with the namespace, at most 63 bytes (PostgreSQL's limit).
    private func scoped(_ channel: String) -> String {
        let full = namespace.isEmpty ? channel : channel + "_" + namespace
        return String(full.lowercased().utf8.prefix(63))!
    }

    private func listeners(of channel: String) -> [Listener] {
        handlers.withLock { $0.byChannel[channel] ?? [] }
    }
}
