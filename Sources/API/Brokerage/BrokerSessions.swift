import AngelOne
import Foundation
import Synchronization

/// The Angel One sessions of the users who connected a broker account, by user: created when a user connects,
/// re-created from the stored (sealed) credentials when the server starts, each kept fresh by its own maintenance
/// task (the daily login before the market opens, token refreshes), and logged out when the user disconnects.
final class BrokerSessions: Sendable {
    /// Where a user's broker connection stands, as `GET /api/broker` shows it.
    struct Snapshot: Sendable {
        var clientCode: String
        var status: AngelOneSession.Status
    }

    private struct Entry {
        var clientCode: String
        /// Nil when the stored credentials could not be opened (`MASTER_KEY` changed): `problem` says so.
        var session: AngelOneSession?
        var problem: String?
        var since: Date
        var maintenance: Task<Void, Never>?
    }

    /// The REST client the sessions call through (also for reading their books).
    let client: SmartAPIClient
    private let limits: SmartAPIRateLimits
    private let dailyLoginMinute: Int
    /// How long a request waits for a login before answering `connecting` (a refused TOTP waits for the next
    /// 30-second window before its one retry).
    private let answerWithin: Duration
    private let entries = Mutex<[UUID: Entry]>([:])

    init(client: SmartAPIClient, limits: SmartAPIRateLimits = .documented, dailyLoginMinute: Int,
         answerWithin: Duration = .seconds(10)) {
        self.client = client
        self.limits = limits
        self.dailyLoginMinute = dailyLoginMinute
        self.answerWithin = answerWithin
    }

    /// Replaces the user's session with one for `credentials`, logs in, and answers the state (`connecting` if the
    /// login takes longer than `answerWithin`; it goes on in the background).
    func connect(userID: UUID, credentials: AngelOneCredentials) async -> Snapshot {
        let session = install(userID: userID, credentials: credentials)
        return Snapshot(clientCode: credentials.clientCode, status: await connectWaiting(session))
    }

    /// Re-creates a session from stored credentials after a restart, logging in in the background; `problem` (the
    /// credentials do not open) leaves the user needing to reconnect, with the reason.
    func restore(userID: UUID, clientCode: String, credentials: Result<AngelOneCredentials, any Error>, now: Date) {
        switch credentials {
        case .success(let opened):
            let session = install(userID: userID, credentials: opened)
            Task { await session.connect() }
        case .failure(let error):
            entries.withLock { entries in
                entries[userID] = Entry(clientCode: clientCode, session: nil, problem: "\(error)", since: now)
            }
        }
    }

    /// Logs in again with the stored session's credentials; nil when the user has no session to reconnect.
    func reconnect(userID: UUID) async -> Snapshot? {
        guard let (clientCode, session) = entries.withLock({ entries -> (String, AngelOneSession?)? in
            entries[userID].map { ($0.clientCode, $0.session) }
        }) else { return nil }
        guard let session else { return await snapshot(userID: userID) }
        return Snapshot(clientCode: clientCode, status: await connectWaiting(session))
    }

    func snapshot(userID: UUID) async -> Snapshot? {
        guard let entry = entries.withLock({ $0[userID] }) else { return nil }
        guard let session = entry.session else {
            return Snapshot(clientCode: entry.clientCode, status: .init(
                state: .reconnectNeeded, since: entry.since, sessionExpiresAt: nil,
                lastError: entry.problem.map { "connect your broker again: \($0)" }))
        }
        return Snapshot(clientCode: entry.clientCode, status: await session.status)
    }

    /// The user's live session object (whatever its state), for placing their orders.
    func session(userID: UUID) -> AngelOneSession? { entries.withLock { $0[userID]?.session } }

    /// Logs the user's session out on the broker's side and forgets it.
    func disconnect(userID: UUID) async {
        guard let entry = entries.withLock({ $0.removeValue(forKey: userID) }) else { return }
        entry.maintenance?.cancel()
        await entry.session?.disconnect()
    }

    /// Stops every maintenance task (server shutdown); sessions are left to expire, not logged out, so a restart
    /// finds them as they were.
    func stop() {
        let tasks = entries.withLock { entries in entries.values.compactMap(\.maintenance) }
        for task in tasks { task.cancel() }
    }

    /// A new session for the user, replacing (and logging out) any earlier one, with its maintenance task.
    private func install(userID: UUID, credentials: AngelOneCredentials) -> AngelOneSession {
        let session = AngelOneSession(credentials: credentials, client: client, limits: limits)
        let dailyLoginMinute = dailyLoginMinute
        let maintenance = Task { await session.maintain(dailyLoginMinute: dailyLoginMinute) }
        let replaced = entries.withLock { entries in
            defer {
                entries[userID] = Entry(clientCode: credentials.clientCode, session: session, problem: nil,
                                        since: Date(), maintenance: maintenance)
            }
            return entries[userID]
        }
        if let replaced {
            replaced.maintenance?.cancel()
            if let old = replaced.session { Task { await old.disconnect() } }
        }
        return session
    }

    /// Logs in, waiting at most `answerWithin` for the outcome; the state at that moment otherwise (the login goes
    /// on: a task group would wait for it, so the two racers resume one continuation instead).
    private func connectWaiting(_ session: AngelOneSession) async -> AngelOneSession.Status {
        let answerWithin = answerWithin
        let finished: AngelOneSession.Status? = await withCheckedContinuation { continuation in
            let answer = FirstAnswer(continuation)
            Task { answer.resume(await session.connect()) }
            Task {
                try? await Task.sleep(for: answerWithin)
                answer.resume(nil)
            }
        }
        if let finished { return finished }
        return await session.status
    }
}

/// Resumes a continuation with whichever answer comes first; later ones are dropped.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) { self.continuation = Mutex(continuation) }

    func resume(_ value: Value) {
        let waiting = continuation.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        waiting?.resume(returning: value)
    }
}
