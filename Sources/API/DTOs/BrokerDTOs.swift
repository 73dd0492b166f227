import AngelOne
import Foundation
import Vapor

/// `PUT /api/broker` body: an Angel One account's credentials.
struct ConnectBrokerRequest: Decodable {
    var apiKey: String?
    var clientCode: String?
    var pin: String?
    var totpSecret: String?

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case clientCode = "client_code"
        case pin
        case totpSecret = "totp_secret"
    }
}

/// A user's broker connection as the API shows it: never a credential or a token.
struct BrokerStatusResponse: Content {
    var broker: String
    var clientCode: String
    var state: String
    var since: Date
    var sessionExpiresAt: Date?
    var lastError: String?

    enum CodingKeys: String, CodingKey {
        case broker, state, since
        case clientCode = "client_code"
        case sessionExpiresAt = "session_expires_at"
        case lastError = "last_error"
    }

    init(_ snapshot: BrokerSessions.Snapshot) {
        broker = "angelone"
        clientCode = snapshot.clientCode
        state = snapshot.status.state.rawValue
        since = snapshot.status.since
        sessionExpiresAt = snapshot.status.sessionExpiresAt
        lastError = snapshot.status.lastError
    }

    /// `session_expires_at` and `last_error` are always present (null when there is none), as the API docs show.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(broker, forKey: .broker)
        try container.encode(clientCode, forKey: .clientCode)
        try container.encode(state, forKey: .state)
        try container.encode(since, forKey: .since)
        try container.encode(sessionExpiresAt, forKey: .sessionExpiresAt)
        try container.encode(lastError, forKey: .lastError)
    }
}
