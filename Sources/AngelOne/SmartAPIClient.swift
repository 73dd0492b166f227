import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// SmartAPI's REST calls over HTTP, with the headers the official SDK sends and its answers read by `SmartAPIReply`
/// (`../shared/reference/protocols.md` §1). One client serves every account: the API key and the tokens are
/// arguments, not state, so the session manager decides when to log in and what to do with a failure.
///
/// It never logs, and nothing it throws carries a secret (the PIN, the TOTP, the tokens, the API key).
public struct SmartAPIClient: Sendable {
    /// Where SmartAPI is and how long to wait for it.
    public struct Configuration: Sendable {
        /// The REST root, `https://apiconnect.angelone.in` in production (`ANGELONE_API_URL`).
        public var baseURL: String
        /// The SDK's default client timeout.
        public var timeout: TimeAmount
        /// The largest answer read (order and trade books of a busy day fit easily).
        public var maxResponseBytes: Int

        public init(baseURL: String, timeout: TimeAmount = .seconds(7), maxResponseBytes: Int = 8 << 20) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// The routes this client calls.
    enum Route: String {
        case login = "/rest/auth/angelbroking/user/v1/loginByPassword"
        case generateTokens = "/rest/auth/angelbroking/jwt/v1/generateTokens"
        case profile = "/rest/secure/angelbroking/user/v1/getProfile"
        case logout = "/rest/secure/angelbroking/user/v1/logout"
        case placeOrder = "/rest/secure/angelbroking/order/v1/placeOrder"
        case cancelOrder = "/rest/secure/angelbroking/order/v1/cancelOrder"
        case orderBook = "/rest/secure/angelbroking/order/v1/getOrderBook"
        case tradeBook = "/rest/secure/angelbroking/order/v1/getTradeBook"
        case positions = "/rest/secure/angelbroking/order/v1/getPosition"
        case holdings = "/rest/secure/angelbroking/portfolio/v1/getHolding"
        case funds = "/rest/secure/angelbroking/user/v1/getRMS"
    }

    /// What `getProfile` answers that StockCart uses.
    public struct Profile: Decodable, Equatable, Sendable {
        public let clientCode: String
        public let name: String?

        enum CodingKeys: String, CodingKey {
            case clientCode = "clientcode"
            case name
        }
    }

    private let http: HTTPClient
    public let configuration: Configuration

    public init(http: HTTPClient, configuration: Configuration) {
        self.http = http
        self.configuration = configuration
    }

    /// `loginByPassword`: the client code, the PIN and the TOTP of the moment, for a fresh session.
    public func login(apiKey: String, clientCode: String, pin: String, totp: String)
        async throws(SmartAPIFailure) -> SessionTokens {
        let body = ["clientcode": clientCode, "password": pin, "totp": totp]
        guard let tokens = try await call(.POST, .login, SessionTokens.self, body: body, apiKey: apiKey, jwt: nil) else {
            throw .unreadable(httpStatus: 200, detail: "a login answer without tokens")
        }
        return tokens
    }

    /// `generateTokens`: new tokens for a session before its JWT expires.
    public func generateTokens(apiKey: String, refreshToken: String, jwt: String)
        async throws(SmartAPIFailure) -> SessionTokens {
        guard let tokens = try await call(.POST, .generateTokens, SessionTokens.self,
                                          body: ["refreshToken": refreshToken], apiKey: apiKey, jwt: jwt) else {
            throw .unreadable(httpStatus: 200, detail: "a token refresh answer without tokens")
        }
        return tokens
    }

    /// `getProfile`: who the session belongs to (also a cheap check that it is alive).
    public func profile(apiKey: String, jwt: String) async throws(SmartAPIFailure) -> Profile {
        guard let profile = try await call(.GET, .profile, Profile.self, body: nil, apiKey: apiKey, jwt: jwt) else {
            throw .unreadable(httpStatus: 200, detail: "a profile answer without a profile")
        }
        return profile
    }

    /// `logout`: ends the session on the broker's side.
    public func logout(apiKey: String, clientCode: String, jwt: String) async throws(SmartAPIFailure) {
        _ = try await call(.POST, .logout, IgnoredPayload.self, body: ["clientcode": clientCode], apiKey: apiKey, jwt: jwt)
    }

    /// One call: the SDK's headers, a JSON body for POSTs, the answer read in either dialect.
    func call<Payload: Decodable>(_ method: HTTPMethod, _ route: Route, _ payload: Payload.Type,
                                  body: [String: String]?, apiKey: String, jwt: String?)
        async throws(SmartAPIFailure) -> Payload? {
        var request = HTTPClientRequest(url: configuration.baseURL + route.rawValue)
        request.method = method
        request.headers = Self.headers(apiKey: apiKey, jwt: jwt)
        if let body {
            do {
                request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
            } catch {
                throw .unreadable(httpStatus: 0, detail: "the request body could not be encoded")
            }
        }
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: configuration.timeout)
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch {
            // The error names the host and the failure, never the request (which may hold the PIN or a token).
            throw .unreachable(detail: "\(route.rawValue): \(Self.describe(error))")
        }
        return try SmartAPIReply.decode(Payload.self, httpStatus: status, body: Data(bytes.readableBytesView))
    }

    /// The headers the official SDK sends with every call. The SDK sends fixed addresses too; SmartAPI does not check
    /// them.
    static func headers(apiKey: String, jwt: String?) -> HTTPHeaders {
        var headers: HTTPHeaders = [
            "Content-Type": "application/json", "Accept": "application/json", "X-UserType": "USER",
            "X-SourceID": "WEB", "X-ClientLocalIP": "127.0.0.1", "X-ClientPublicIP": "127.0.0.1",
            "X-MACAddress": "00:00:00:00:00:00", "X-PrivateKey": apiKey,
        ]
        if let jwt { headers.add(name: "Authorization", value: "Bearer \(jwt)") }
        return headers
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            return "timed out"
        }
        return String(describing: type(of: error)) + ": " + String(String(describing: error).prefix(120))
    }

    /// For calls whose `data` StockCart does not read.
    struct IgnoredPayload: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}

// MARK: - orders

extension SmartAPIClient {
    /// `placeOrder`. An `unreachable` failure (a timeout) says nothing about whether the order went through: look it
    /// up in the order book by its tag before anything else, never place it again blindly.
    public func placeOrder(_ placement: OrderPlacement, apiKey: String, jwt: String)
        async throws(SmartAPIFailure) -> PlacedOrder {
        guard let placed = try await call(.POST, .placeOrder, PlacedOrder.self, body: placement.body, apiKey: apiKey,
                                          jwt: jwt) else {
            throw .unreadable(httpStatus: 200, detail: "a placement answer without an order id")
        }
        return placed
    }

    /// `cancelOrder` of a NORMAL order.
    public func cancelOrder(orderID: String, apiKey: String, jwt: String) async throws(SmartAPIFailure) {
        _ = try await call(.POST, .cancelOrder, IgnoredPayload.self, body: ["variety": "NORMAL", "orderid": orderID],
                           apiKey: apiKey, jwt: jwt)
    }

    /// The day's order book (empty when the broker answers `data: null`). Rows that do not decode are dropped.
    public func orderBook(apiKey: String, jwt: String) async throws(SmartAPIFailure) -> [BrokerOrderRow] {
        try await call(.GET, .orderBook, [Lossy<BrokerOrderRow>].self, body: nil, apiKey: apiKey, jwt: jwt)?
            .compactMap(\.value) ?? []
    }

    /// The day's fills (empty when the broker answers `data: null`). Rows that do not decode are dropped.
    public func tradeBook(apiKey: String, jwt: String) async throws(SmartAPIFailure) -> [BrokerTradeRow] {
        try await call(.GET, .tradeBook, [Lossy<BrokerTradeRow>].self, body: nil, apiKey: apiKey, jwt: jwt)?
            .compactMap(\.value) ?? []
    }
}

/// A row that failed to decode becomes nil instead of failing its whole list.
struct Lossy<Value: Decodable>: Decodable {
    let value: Value?
    init(from decoder: any Decoder) throws { value = try? Value(from: decoder) }
}

// MARK: - portfolio and funds

extension SmartAPIClient {
    /// Settled holdings (empty for `data: null`); rows that do not decode are dropped.
    public func holdings(apiKey: String, jwt: String) async throws(SmartAPIFailure) -> [BrokerHoldingRow] {
        try await call(.GET, .holdings, [Lossy<BrokerHoldingRow>].self, body: nil, apiKey: apiKey, jwt: jwt)?
            .compactMap(\.value) ?? []
    }

    /// The day's positions (empty for `data: null`); rows that do not decode are dropped.
    public func positions(apiKey: String, jwt: String) async throws(SmartAPIFailure) -> [BrokerPositionRow] {
        try await call(.GET, .positions, [Lossy<BrokerPositionRow>].self, body: nil, apiKey: apiKey, jwt: jwt)?
            .compactMap(\.value) ?? []
    }

    /// The account's funds (`getRMS`).
    public func funds(apiKey: String, jwt: String) async throws(SmartAPIFailure) -> BrokerFunds {
        guard let funds = try await call(.GET, .funds, BrokerFunds.self, body: nil, apiKey: apiKey, jwt: jwt) else {
            throw .unreadable(httpStatus: 200, detail: "a funds answer without data")
        }
        return funds
    }
}
