import AngelOne
import Foundation
import Synchronization
import Vapor

/// A stand-in for Angel One's SmartAPI REST service on loopback, for tests: it speaks the wire format of
/// `../shared/reference/protocols.md` §1 exactly, failures included, because the real one cannot be reached here.
///
/// It keeps accounts (API key, client code, PIN, TOTP secret), checks every login's TOTP (this window or the one
/// before, as RFC 6238 allows), refuses a second login of one client within a second with the plain-text 403 of the
/// rate limit, answers gateway failures in the `success/errorCode` dialect and business failures in the
/// `status/errorcode` one, and hands out tokens that `expireSessions()` invalidates, as a broker's nightly reset does.
public final class FakeSmartAPI: Sendable {
    /// One broker account the fake knows.
    public struct Account: Sendable {
        public let apiKey: String
        public let clientCode: String
        public let pin: String
        public let totpSecret: String

        public init(apiKey: String, clientCode: String, pin: String, totpSecret: String) {
            self.apiKey = apiKey
            self.clientCode = clientCode
            self.pin = pin
            self.totpSecret = totpSecret
        }
    }

    /// What the fake remembers between calls.
    struct State {
        var sessions: [String: Session] = [:]
        var lastLogin: [String: Date] = [:]
        var loginAttempts = 0
        /// Logins refused for SmartAPI's one-a-second limit.
        var rateRefusals = 0
        var refuseTOTPs = 0
        var callsByPath: [String: Int] = [:]
        var instrumentMasterDown = false
    }

    struct Session {
        let clientCode: String
        let refreshToken: String
        let feedToken: String
    }

    /// An NSE cash instrument the fake's instrument master lists.
    public struct ListedInstrument: Sendable {
        public let symbol: String
        public let token: String
        public init(symbol: String, token: String) {
            self.symbol = symbol
            self.token = token
        }
    }

    private let server = Mutex<Application?>(nil)
    private let accounts: [String: Account]
    /// Logins of one client closer together than this meet the rate limit (nil: no limit).
    private let loginInterval: TimeInterval?
    private let state = Mutex(State())
    private let port = Atomic<Int>(0)
    private let instruments: [ListedInstrument]
    /// The order book, trade book and order-update socket of every account.
    public let desk: FakeOrderDesk

    /// Starts the fake on an ephemeral loopback port.
    /// `loginInterval` is SmartAPI's one login a second; a test may widen it (so that a slow machine still sees two
    /// quick logins as too quick) or lift it (`nil`, for tests that replace the session's clock).
    /// `instruments` are the NSE cash equities its instrument master lists (at `instrumentsURL`).
    /// `port` 0 takes a free one; `extraRoutes` adds routes beside SmartAPI's (a control API for process tests).
    public static func start(accounts: [Account], loginInterval: TimeInterval? = 1,
                             instruments: [ListedInstrument] = [], port: Int = 0,
                             extraRoutes: (Application, FakeSmartAPI) -> Void = { _, _ in }) async throws -> FakeSmartAPI {
        let fake = FakeSmartAPI(accounts: accounts, loginInterval: loginInterval, instruments: instruments)
        let (app, port) = try await LoopbackServer.start(port: port) { app in
            fake.routes(app)
            extraRoutes(app, fake)
        }
        fake.server.withLock { $0 = app }
        fake.port.store(port, ordering: .releasing)
        return fake
    }

    private init(accounts: [Account], loginInterval: TimeInterval?, instruments: [ListedInstrument]) {
        self.loginInterval = loginInterval
        self.instruments = instruments
        desk = FakeOrderDesk(instruments: instruments)
        self.accounts = Dictionary(accounts.map { ($0.clientCode, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Where the fake listens, as `ANGELONE_API_URL` would be set.
    public var baseURL: String { "http://127.0.0.1:\(port.load(ordering: .acquiring))" }

    /// Stops listening.
    public func shutdown() async {
        if let app = server.withLock({ $0 }) { await LoopbackServer.stop(app) }
    }

    /// Invalidates every token handed out so far: the next secure call answers AG8001.
    public func expireSessions() { state.withLock { $0.sessions.removeAll() } }

    /// Refuses the next `count` logins' TOTPs (AB1050) even when they are right, as SmartAPI does for a code used at
    /// the edge of its window.
    public func refuseTOTPs(_ count: Int) { state.withLock { $0.refuseTOTPs = count } }

    /// Logins tried, accepted or not.
    public var loginAttempts: Int { state.withLock { $0.loginAttempts } }
    /// How many logins the one-a-second limit refused.
    public var rateRefusals: Int { state.withLock { $0.rateRefusals } }

    /// Calls received on `path`.
    public func calls(_ path: String) -> Int { state.withLock { $0.callsByPath[path] ?? 0 } }

    /// The order-update socket's URL, as `ANGELONE_ORDER_STREAM_URL` would be set.
    public var orderStreamURL: String { "ws://127.0.0.1:\(port.load(ordering: .acquiring))/smart-order-update" }

    /// Runs `handler` for the request's session (counting the call), or answers SmartAPI's token failure.
    private func withSession(_ request: Request, _ handler: (String) async -> Response) async -> Response {
        count(request)
        switch authorised(request) {
        case .failure(let failure): return failure.response
        case .success(let session): return await handler(session.clientCode)
        }
    }

    /// The instrument master's full address, as `ANGELONE_INSTRUMENTS_URL` would be set.
    public var instrumentsURL: String { baseURL + "/OpenAPI_File/files/OpenAPIScripMaster.json" }

    /// Makes the instrument master answer 503 (true) or the file (false), as an outage of its host would.
    public func failInstrumentMaster(_ fail: Bool) { state.withLock { $0.instrumentMasterDown = fail } }

    /// Why SmartStream would refuse these handshake headers, judged against the sessions this fake handed out (the
    /// stream checks the same tokens as the REST service); nil when it would accept them.
    public func streamRefusal(jwt: String, apiKey: String, clientCode: String, feedToken: String) -> String? {
        guard let session = state.withLock({ $0.sessions[jwt] }) else { return "Invalid Header - Invalid Auth token" }
        if session.clientCode != clientCode { return "Invalid Header - Invalid Client Code" }
        if accounts[clientCode]?.apiKey != apiKey { return "Invalid Header - Invalid API Key" }
        if session.feedToken != feedToken { return "Invalid Header - Invalid Feed Token" }
        return nil
    }

    // MARK: - routes

    private func routes(_ app: Application) {
        let auth = app.grouped("rest", "auth", "angelbroking")
        auth.post("user", "v1", "loginByPassword") { [self] request in login(request) }
        auth.post("jwt", "v1", "generateTokens") { [self] request in generateTokens(request) }
        let secure = app.grouped("rest", "secure", "angelbroking", "user", "v1")
        secure.get("getProfile") { [self] request in profile(request) }
        secure.post("logout") { [self] request in logout(request) }
        let orders = app.grouped("rest", "secure", "angelbroking", "order", "v1")
        orders.post("placeOrder") { [self] request async -> Response in
            await withSession(request) { clientCode in await desk.place(Self.body(request), clientCode: clientCode) }
        }
        orders.post("cancelOrder") { [self] request async -> Response in
            await withSession(request) { clientCode in desk.cancel(Self.body(request), clientCode: clientCode) }
        }
        orders.get("getOrderBook") { [self] request async -> Response in
            await withSession(request) { clientCode in desk.orderBook(clientCode: clientCode) }
        }
        orders.get("getTradeBook") { [self] request async -> Response in
            await withSession(request) { clientCode in desk.tradeBook(clientCode: clientCode) }
        }
        orders.get("getPosition") { [self] request async -> Response in
            await withSession(request) { clientCode in desk.positions(clientCode: clientCode) }
        }
        app.get("rest", "secure", "angelbroking", "portfolio", "v1", "getHolding") { [self] request async -> Response in
            await withSession(request) { clientCode in desk.holdings(clientCode: clientCode) }
        }
        app.get("rest", "secure", "angelbroking", "user", "v1", "getRMS") { [self] request async -> Response in
            await withSession(request) { clientCode in desk.funds(clientCode: clientCode) }
        }
        // The order-update socket: a session's JWT as the bearer, else 401 before any upgrade (§3).
        app.get("smart-order-update") { [self] request async -> Response in
            guard case .success(let session) = authorised(request) else {
                return Response(status: .unauthorized)
            }
            return request.webSocket(maxFrameSize: .init(integerLiteral: 1 << 20),
                                     shouldUpgrade: { request in request.eventLoop.makeSucceededFuture([:]) }) { [desk] _, socket in
                desk.attach(socket, clientCode: session.clientCode)
            }
        }
        app.get("OpenAPI_File", "files", "OpenAPIScripMaster.json") { [self] request in
            count(request)
            return instrumentMaster()
        }
    }

    /// The scrip master as the real file has it: every value a string, one RELIANCE-EQ style row per instrument,
    /// plus a BSE row and an index row that an NSE-equity lookup must pass over.
    private func instrumentMaster() -> Response {
        if state.withLock({ $0.instrumentMasterDown }) {
            return Response(status: .serviceUnavailable, body: .init(string: "Service Unavailable"))
        }
        var rows: [[String: String]] = instruments.map { listed in
            ["token": listed.token, "symbol": "\(listed.symbol)-EQ", "name": listed.symbol, "expiry": "",
             "strike": "-1.000000", "lotsize": "1", "instrumenttype": "", "exch_seg": "NSE", "tick_size": "5.000000"]
        }
        rows.append(["token": "500325", "symbol": "RELIANCE", "name": "RELIANCE", "expiry": "", "strike": "-1.000000",
                     "lotsize": "1", "instrumenttype": "", "exch_seg": "BSE", "tick_size": "5.000000"])
        rows.append(["token": "99926000", "symbol": "Nifty 50", "name": "NIFTY", "expiry": "", "strike": "0.000000",
                     "lotsize": "1", "instrumenttype": "AMXIDX", "exch_seg": "NSE", "tick_size": "0.000000"])
        let data = (try? JSONSerialization.data(withJSONObject: rows)) ?? Data("[]".utf8)
        return Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(data: data))
    }

    private func login(_ request: Request) -> Response {
        count(request)
        let body = Self.body(request)
        let clientCode = body["clientcode"] ?? ""
        let now = Date()
        let limited = state.withLock { state in
            state.loginAttempts += 1
            defer { state.lastLogin[clientCode] = now }
            guard let last = state.lastLogin[clientCode], let loginInterval else { return false }
            let limited = now.timeIntervalSince(last) < loginInterval
            if limited { state.rateRefusals += 1 }
            return limited
        }
        if limited { return Self.rateLimited() }
        guard let account = accounts[clientCode], body["password"] == account.pin,
              request.headers.first(name: "X-PrivateKey") == account.apiKey else {
            // The documentation's sample of this failure sends strings for the boolean and the data.
            return Self.json(["status": "false", "message": "Login Id or password is invalid", "errorcode": "AB1007",
                              "data": "null"])
        }
        let refused = state.withLock { state in
            defer { state.refuseTOTPs = max(0, state.refuseTOTPs - 1) }
            return state.refuseTOTPs > 0
        }
        guard !refused, let totp = try? TOTP(base32Secret: account.totpSecret), let sent = body["totp"],
              [now, now.addingTimeInterval(-30)].contains(where: { totp.code(at: $0) == sent }) else {
            return Self.json(["status": false, "message": "Invalid totp and client combination", "errorcode": "AB1050",
                              "data": NSNull()])
        }
        return Self.success(newSession(for: clientCode))
    }

    private func generateTokens(_ request: Request) -> Response {
        count(request)
        guard let jwt = Self.bearer(request) else { return Self.gateway("AG8003", "Token missing") }
        let refresh = Self.body(request)["refreshToken"] ?? ""
        let session = state.withLock { $0.sessions[jwt] }
        guard let session else { return Self.gateway("AG8001", "Invalid Token") }
        guard session.refreshToken == refresh else {
            return Self.json(["status": false, "message": "Invalid Refresh Token", "errorcode": "AB8050", "data": NSNull()])
        }
        state.withLock { _ = $0.sessions.removeValue(forKey: jwt) }
        return Self.success(newSession(for: session.clientCode))
    }

    private func profile(_ request: Request) -> Response {
        count(request)
        switch authorised(request) {
        case .failure(let failure): return failure.response
        case .success(let session):
            return Self.json(["status": true, "message": "SUCCESS", "errorcode": "", "data": [
                "clientcode": session.clientCode, "name": "Test User", "email": "", "mobileno": "",
                "exchanges": ["nse_cm", "bse_cm"], "products": ["CNC", "MIS"], "lastlogintime": "", "broker": "",
            ]])
        }
    }

    private func logout(_ request: Request) -> Response {
        count(request)
        switch authorised(request) {
        case .failure(let failure): return failure.response
        case .success:
            if let jwt = Self.bearer(request) { state.withLock { _ = $0.sessions.removeValue(forKey: jwt) } }
            return Self.json(["status": true, "message": "SUCCESS", "errorcode": "", "data": ""])
        }
    }

    // MARK: - helpers

    private func authorised(_ request: Request) -> Result<Session, ResponseFailure> {
        guard let jwt = Self.bearer(request) else { return .failure(ResponseFailure(Self.gateway("AG8003", "Token missing"))) }
        guard let session = state.withLock({ $0.sessions[jwt] }) else {
            return .failure(ResponseFailure(Self.gateway("AG8001", "Invalid Token")))
        }
        return .success(session)
    }

    private func newSession(for clientCode: String) -> [String: String] {
        let jwt = "jwt-" + UUID().uuidString, refresh = "refresh-" + UUID().uuidString
        let feed = "feed-" + UUID().uuidString
        state.withLock { $0.sessions[jwt] = Session(clientCode: clientCode, refreshToken: refresh, feedToken: feed) }
        return ["jwtToken": jwt, "refreshToken": refresh, "feedToken": feed]
    }

    private func count(_ request: Request) {
        state.withLock { $0.callsByPath[request.url.path, default: 0] += 1 }
    }

    private static func bearer(_ request: Request) -> String? {
        guard let value = request.headers.first(name: .authorization), value.hasPrefix("Bearer ") else { return nil }
        let token = String(value.dropFirst(7))
        return token.isEmpty ? nil : token
    }

    /// The JSON body's string fields; anything else is treated as absent, as a lenient server would.
    private static func body(_ request: Request) -> [String: String] {
        guard let buffer = request.body.data,
              let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        else { return [:] }
        return object.compactMapValues { $0 as? String }
    }

    private static func success(_ data: [String: String]) -> Response {
        json(["status": true, "message": "SUCCESS", "errorcode": "", "data": data])
    }

    private static func gateway(_ code: String, _ message: String) -> Response {
        json(["success": false, "message": message, "errorCode": code, "data": ""])
    }

    private static func rateLimited() -> Response {
        Response(status: .forbidden, headers: ["Content-Type": "text/plain"],
                 body: .init(string: "Access denied because of exceeding access rate"))
    }

    public static func json(_ object: [String: Any], status: HTTPResponseStatus = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return Response(status: status, headers: ["Content-Type": "application/json"], body: .init(data: data))
    }

    /// A prepared failure answer, carried through `Result`.
    struct ResponseFailure: Error, @unchecked Sendable {
        let response: Response
        init(_ response: Response) { self.response = response }
    }
}
