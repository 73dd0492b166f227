import AngelOne
import Foundation

/// What a user gives to connect their Angel One account, as sealed into `broker_accounts.sealed_credentials`.
/// Its description shows the client code only.
struct BrokerCredentials: Codable, Sendable, CustomStringConvertible {
    var apiKey: String
    var clientCode: String
    var pin: String
    var totpSecret: String

    enum CodingKeys: String, CodingKey {
        case apiKey = "api_key"
        case clientCode = "client_code"
        case pin
        case totpSecret = "totp_secret"
    }

    var description: String { "BrokerCredentials(client \(clientCode), secrets hidden)" }

    /// The session's form (the TOTP secret decoded); throws if the secret is not base32.
    func sessionCredentials() throws(TOTP.InvalidSecret) -> AngelOneCredentials {
        AngelOneCredentials(apiKey: apiKey, clientCode: clientCode, pin: pin, totp: try TOTP(base32Secret: totpSecret))
    }

    /// The vault binds a sealed value to its owner: a ciphertext moved to another user's row does not open.
    static func sealingContext(userID: UUID) -> String { "broker_accounts:\(userID.uuidString.lowercased())" }

    func sealed(by vault: CredentialVault, userID: UUID) throws -> String {
        try vault.seal(try JSONEncoder().encode(self), context: Self.sealingContext(userID: userID))
    }

    static func opened(_ sealed: String, by vault: CredentialVault, userID: UUID) throws -> BrokerCredentials {
        try JSONDecoder().decode(BrokerCredentials.self,
                                 from: try vault.open(sealed, context: sealingContext(userID: userID)))
    }
}
