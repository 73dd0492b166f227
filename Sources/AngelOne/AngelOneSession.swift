import Foundation
import TradingCore

/// One Angel One account's session: logs in with a fresh TOTP, refreshes its tokens, re-establishes itself once
/// when SmartAPI says it is gone, and says where it stands, so that what needs the broker can pause with a reason
/// instead of failing silently.
///
/// A login refused for its TOTP (AB1050) is tried once more with the next 30-second window's code, never hammered
/// (SmartAPI allows one login a second). A call refused for its session (AG8001, AG8002, …) logs in again once and
/// repeats; if that fails too the state becomes `reconnectNeeded` with the broker's reason, until `connect()`.
public actor AngelOneSession {
    /// Where the session stands, as `GET /api/broker` reports it.
    public enum State: String, Sendable {
        case connecting
        case connected
        case reconnectNeeded = "reconnect_needed"
        case disconnected
    }

    /// The state and what goes with it.
    public struct Status: Equatable, Sendable {
        public var state: State
        public var since: Date
        /// When SmartAPI will end the session whatever happens (28 hours after login).
        public var sessionExpiresAt: Date?
        /// The broker's last refusal, in its words (never a secret).
        public var lastError: String?

        public init(state: State, since: Date, sessionExpiresAt: Date? = nil, lastError: String? = nil) {
            self.state = state
            self.since = since
            self.sessionExpiresAt = sessionExpiresAt
            self.lastError = lastError
        }
    }

    /// How long a SmartAPI session lasts after its login.
    public static let sessionLifetime: TimeInterval = 28 * 3600

    private let credentials: AngelOneCredentials
    private let client: SmartAPIClient
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Duration) async throws -> Void
    private let pacer: RequestPacer
    private var tokens: SessionTokens?
    private var loginInFlight: Task<Status, Never>?
    /// Why the last login failed, if it did.
    private var lastFailure: SmartAPIFailure?
    private var lastLoginAttempt: Date?
    public private(set) var status: Status

    public init(credentials: AngelOneCredentials, client: SmartAPIClient, limits: SmartAPIRateLimits = .documented,
                now: @escaping @Sendable () -> Date = Date.init,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.credentials = credentials
        pacer = RequestPacer(limits: limits)
        self.client = client
        self.now = now
        self.sleep = sleep
        status = Status(state: .disconnected, since: now(), sessionExpiresAt: nil, lastError: nil)
    }

    /// The feed token of the live session, for the market-data socket.
    public var feedToken: String? { tokens?.feedToken }

    /// Logs in (again), and answers where that left the session. Calls that overlap share one login (a restored
    /// session and its first socket both asking at start must not trip SmartAPI's one-login-a-second limit).
    @discardableResult
    public func connect() async -> Status {
        if let running = loginInFlight { return await running.value }
        let login = Task { await self.connectOnce() }
        loginInFlight = login
        let result = await login.value
        loginInFlight = nil
        return result
    }

    private func connectOnce() async -> Status {
        move(to: .connecting, error: nil)
        do {
            try await logIn()
            lastFailure = nil
        } catch {
            tokens = nil
            lastFailure = error
            move(to: .reconnectNeeded, error: error.description)
        }
        return status
    }

    /// The account's API key and client code, for calls that name them.
    public nonisolated var apiKey: String { credentials.apiKey }
    public nonisolated var clientCode: String { credentials.clientCode }

    /// Runs `call` with the session's tokens, within the rate limit of its `endpoint` class; when SmartAPI says the
    /// session is gone, logs in once and runs it again. Throws `reconnectNeeded`'s reason when there is no session.
    public func perform<Value: Sendable>(_ endpoint: SmartAPIRateLimits.Endpoint,
                                         _ call: @Sendable (SessionTokens) async throws(SmartAPIFailure) -> Value)
        async throws(SmartAPIFailure) -> Value {
        guard let current = tokens, status.state == .connected else {
            throw .rejected(code: "", message: "the broker is not connected: \(status.lastError ?? status.state.rawValue)")
        }
        do {
            try await pacer.admit(endpoint)
        } catch {
            throw .unreachable(detail: "cancelled while waiting for the rate limit")
        }
        do {
            return try await call(current)
        } catch .reauthenticate(let code, let message) {
            do {
                try await logIn()
            } catch {
                tokens = nil
                move(to: .reconnectNeeded, error: "\(code): \(message); logging in again failed: \(error)")
                throw error
            }
            guard let renewed = tokens else { throw .reauthenticate(code: code, message: message) }
            return try await call(renewed)
        }
    }

    /// Exchanges the refresh token for new tokens (before the JWT expires); a refused refresh logs in again.
    public func refresh() async {
        guard let current = tokens else { return }
        do {
            try await pacer.admit(.tokens)
            tokens = try await client.generateTokens(apiKey: credentials.apiKey, refreshToken: current.refreshToken,
                                                     jwt: current.jwtToken)
        } catch {
            await connect()
        }
    }

    /// The session's tokens for a streaming socket. Logs in first when there is no session, or when the socket was
    /// just refused for its tokens. A login the broker refused for its credentials (a wrong PIN or TOTP secret) is
    /// tried again at most once per `retryInterval`, so it is not hammered (SmartAPI locks accounts after repeated
    /// failures); one that failed for the network or the rate limit is tried again at the caller's own pace.
    public func streamTokens(refusedBefore: Bool, retryInterval: TimeInterval = 300) async throws(SmartAPIFailure)
        -> SessionTokens {
        if let current = tokens, status.state == .connected, !refusedBefore { return current }
        if let running = loginInFlight {
            _ = await running.value
            if let current = tokens, status.state == .connected { return current }
        }
        var refusedForCredentials = false
        if case .rejected = lastFailure { refusedForCredentials = true }
        if status.state == .reconnectNeeded, refusedForCredentials, let last = lastLoginAttempt,
           now().timeIntervalSince(last) < retryInterval {
            throw .rejected(code: "", message: "the broker session needs reconnecting: \(status.lastError ?? "")")
        }
        await connect()
        guard let renewed = tokens else {
            throw .rejected(code: "", message: "the broker session needs reconnecting: \(status.lastError ?? "")")
        }
        return renewed
    }

    /// Keeps the session fresh until cancelled: logs in afresh each day at `dailyLoginMinute` (IST minutes after
    /// midnight), and exchanges the refresh token when the session would otherwise end before that.
    public func maintain(dailyLoginMinute: Int, afterDailyLogin: @Sendable () async -> Void = {}) async {
        while !Task.isCancelled {
            let current = now()
            let login = Self.nextDailyLogin(after: current, minute: dailyLoginMinute)
            // Refresh half an hour before the hard end, if that comes first.
            let refreshAt = status.sessionExpiresAt.map { $0.addingTimeInterval(-1_800) }
            let refreshFirst = refreshAt.map { $0 < login } ?? false
            let wake = refreshFirst ? max(refreshAt!, current) : login
            do {
                try await sleep(.milliseconds(Int64(max(0, wake.timeIntervalSince(current)) * 1_000)))
            } catch {
                return
            }
            guard !Task.isCancelled else { return }
            if refreshFirst {
                await refresh()
                if let expiry = status.sessionExpiresAt, expiry <= now().addingTimeInterval(1_800) {
                    // A refresh does not move SmartAPI's hard end: log in before it comes.
                    await connect()
                }
            } else {
                // A session its owner disconnected stays so; the day's housekeeping runs either way.
                if status.state != .disconnected { await connect() }
                await afterDailyLogin()
            }
        }
    }

    /// The first `minute` (IST minutes after midnight) strictly after `time`.
    public static func nextDailyLogin(after time: Date, minute: Int) -> Date {
        let ist = time.timeIntervalSince1970 + Double(CandleInterval.istOffsetSeconds)
        let dayStart = (ist / 86_400).rounded(.down) * 86_400
        var candidate = dayStart + Double(minute * 60)
        if candidate <= ist { candidate += 86_400 }
        return Date(timeIntervalSince1970: candidate - Double(CandleInterval.istOffsetSeconds))
    }

    /// Logs out on the broker's side (best effort) and forgets the tokens.
    public func disconnect() async {
        if let current = tokens {
            try? await client.logout(apiKey: credentials.apiKey, clientCode: credentials.clientCode, jwt: current.jwtToken)
        }
        tokens = nil
        move(to: .disconnected, error: nil)
    }

    /// A login with this window's TOTP; refused for the TOTP, once more with the next window's.
    private func logIn() async throws(SmartAPIFailure) {
        do {
            try await logInOnce()
        } catch .rejected(let code, _) where code == "AB1050" {
            // Clocks drift and a code can be used up at the window's edge: wait for the next window, once.
            let wait = credentials.totp.secondsRemaining(at: now()) + 0.5
            try? await sleep(.milliseconds(Int(wait * 1_000)))
            try await logInOnce()
        } catch .rateLimited {
            // Another login of this client code in the same second (another server, the broker's app): once more
            // after the second has passed.
            try? await sleep(.milliseconds(1_100))
            try await logInOnce()
        }
    }

    private func logInOnce() async throws(SmartAPIFailure) {
        // SmartAPI allows one login a second per client.
        if let last = lastLoginAttempt, now().timeIntervalSince(last) < 1 {
            try? await sleep(.milliseconds(Int((1 - now().timeIntervalSince(last)) * 1_000) + 10))
        }
        lastLoginAttempt = now()
        let loggedInAt = now()
        tokens = try await client.login(apiKey: credentials.apiKey, clientCode: credentials.clientCode,
                                        pin: credentials.pin, totp: credentials.totp.code(at: loggedInAt))
        status = Status(state: .connected, since: loggedInAt,
                        sessionExpiresAt: loggedInAt.addingTimeInterval(Self.sessionLifetime), lastError: nil)
    }

    private func move(to state: State, error: String?) {
        status = Status(state: state, since: now(), sessionExpiresAt: state == .connected ? status.sessionExpiresAt : nil,
                        lastError: error)
    }
}
