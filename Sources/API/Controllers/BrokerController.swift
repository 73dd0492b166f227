import AngelOne
import Foundation
import Persistence
import TradingCore
import Vapor

/// A user's own broker account (Angel One): connect (credentials sealed at rest, then a login at once), see the
/// session's state, reconnect, disconnect. Nothing here ever returns or logs a credential or a token.
struct BrokerController {
    let services: StockCartServices

    func register(on routes: any RoutesBuilder) {
        let broker = routes.grouped("api", "broker")
        broker.put(use: connect)
        broker.get(use: show)
        broker.delete(use: disconnect)
        broker.post("reconnect", use: reconnect)
        broker.get("reconciliation", use: reconciliation)
    }

    /// `GET /api/broker/reconciliation`: today's orders (and any still pending) and the holdings, here and at Angel
    /// One, side by side with every difference named. 404 without an account, 409 when its session needs
    /// reconnecting, 502 when Angel One cannot be read.
    @Sendable func reconciliation(_ req: Request) async throws -> ReconciliationResponse {
        let owner = try req.user.id
        guard let session = services.brokerSessions.session(userID: owner.rawValue) else {
            if let snapshot = await services.brokerSessions.snapshot(userID: owner.rawValue) {
                // Stored, but its credentials do not open (MASTER_KEY changed): reconnecting is the way out.
                throw APIError(.conflict, snapshot.status.lastError ?? "connect your broker again (PUT /api/broker)")
            }
            throw APIError(.notFound, "no broker account is connected; PUT /api/broker connects one")
        }
        let status = await session.status
        guard status.state == .connected else {
            throw APIError(.conflict, "your Angel One session is \(status.state.rawValue)"
                               + (status.lastError.map { " (\($0))" } ?? "") + "; reconnect it (POST /api/broker/reconnect)")
        }
        let broker: AngelOneAccountSnapshot
        do {
            broker = try await AngelOneAccountSnapshot.read(session: session, client: services.brokerSessions.client)
        } catch {
            throw APIError(.badGateway, "Angel One could not be read: \(error.description)")
        }
        let now = services.clock.now()
        let dayStart = CandleInterval.oneDay.bucketStart(for: now)
        // The broker's books are the day's: today's orders, and any older one still pending.
        let orders = try await services.orders(req.db)
            .list(owner: owner, limit: 1_000).items
            .filter { $0.createdAt >= dayStart || $0.status == .pending }
        let holdings = try await PortfolioStore(database: req.db).snapshot(owner: owner).holdings
        let report = BrokerReconciliation.compare(
            localOrders: orders.reversed(),
            localHoldings: Dictionary(holdings.map { ($0.symbol, $0.quantity) }, uniquingKeysWith: +),
            book: broker.orderBook, trades: broker.tradeBook, holdings: broker.holdings, positions: broker.positions)
        return ReconciliationResponse(report, checkedAt: now)
    }

    /// `PUT /api/broker`: validates and stores the credentials (sealed under `MASTER_KEY`), logs in, and answers the
    /// connection state; a login the broker refuses still stores them, answering `reconnect_needed` with its reason.
    @Sendable func connect(_ req: Request) async throws -> BrokerStatusResponse {
        let user = try req.user.id.rawValue
        let body = try req.decodeJSONBody(ConnectBrokerRequest.self)
        guard let vault = services.vault else {
            throw APIError(.unprocessableEntity, "this server has no MASTER_KEY, so it cannot store broker credentials; "
                               + "ask the operator to set one", field: "broker")
        }
        let credentials = try Self.validated(body)
        let sessionCredentials: AngelOneCredentials
        do {
            sessionCredentials = try credentials.sessionCredentials()
        } catch {
            throw APIError.validation("totp_secret", "\(error.description)")
        }
        let now = services.clock.now()
        _ = try await BrokerAccountStore(database: req.db).save(
            userID: user, broker: "angelone", clientCode: credentials.clientCode,
            sealedCredentials: try credentials.sealed(by: vault, userID: user),
            audit: AuditEntry(userID: user, action: "broker.connect", detail: "client_code=\(credentials.clientCode)",
                              ip: req.clientAddress, requestID: req.id, time: now))
        return BrokerStatusResponse(await services.brokerSessions.connect(userID: user, credentials: sessionCredentials))
    }

    /// `GET /api/broker`: the connection's state; 404 when the user has connected none.
    @Sendable func show(_ req: Request) async throws -> BrokerStatusResponse {
        let user = try req.user.id.rawValue
        guard let snapshot = await services.brokerSessions.snapshot(userID: user) else {
            throw APIError(.notFound, "no broker account is connected; PUT /api/broker connects one")
        }
        return BrokerStatusResponse(snapshot)
    }

    /// `POST /api/broker/reconnect`: logs in again with the stored credentials (after `reconnect_needed`).
    @Sendable func reconnect(_ req: Request) async throws -> BrokerStatusResponse {
        let user = try req.user.id.rawValue
        guard let snapshot = await services.brokerSessions.reconnect(userID: user) else {
            throw APIError(.notFound, "no broker account is connected; PUT /api/broker connects one")
        }
        try await AuditStore(database: req.db).record(userID: user, action: "broker.reconnect",
                                                      detail: "state=\(snapshot.status.state.rawValue)",
                                                      ip: req.clientAddress, requestID: req.id, now: services.clock.now())
        return BrokerStatusResponse(snapshot)
    }

    /// `DELETE /api/broker`: logs the session out at the broker and forgets the credentials. 204; 404 when none.
    @Sendable func disconnect(_ req: Request) async throws -> HTTPStatus {
        let user = try req.user.id.rawValue
        let deleted = try await BrokerAccountStore(database: req.db).delete(
            userID: user, audit: AuditEntry(userID: user, action: "broker.disconnect", ip: req.clientAddress,
                                            requestID: req.id, time: services.clock.now()))
        await services.brokerSessions.disconnect(userID: user)
        guard deleted else { throw APIError(.notFound, "no broker account is connected") }
        return .noContent
    }

    /// Each field present, a string of the right shape; the first that is not is named.
    static func validated(_ body: ConnectBrokerRequest) throws -> BrokerCredentials {
        func required(_ value: String?, _ field: String) throws -> String {
            guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                throw APIError.validation(field, "\(field) is required")
            }
            return value
        }
        let apiKey = try required(body.apiKey, "api_key")
        guard apiKey.count <= 128, apiKey.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw APIError.validation("api_key", "api_key must be at most 128 characters without spaces")
        }
        let clientCode = try required(body.clientCode, "client_code").uppercased()
        guard clientCode.count <= 20, clientCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw APIError.validation("client_code", "client_code must be letters and digits, at most 20")
        }
        let pin = try required(body.pin, "pin")
        guard (4...8).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw APIError.validation("pin", "pin must be 4 to 8 digits")
        }
        let secret = try required(body.totpSecret, "totp_secret")
        return BrokerCredentials(apiKey: apiKey, clientCode: clientCode, pin: pin, totpSecret: secret)
    }
}
