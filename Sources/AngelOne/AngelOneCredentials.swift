/// What a user (or the server's market-data account) gives StockCart to trade through Angel One. Secrets: printing
/// a value shows the client code only.
public struct AngelOneCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let apiKey: String
    public let clientCode: String
    public let pin: String
    public let totp: TOTP

    public init(apiKey: String, clientCode: String, pin: String, totp: TOTP) {
        self.apiKey = apiKey
        self.clientCode = clientCode
        self.pin = pin
        self.totp = totp
    }

    public var description: String { "AngelOneCredentials(client \(clientCode), secrets hidden)" }
    public var debugDescription: String { description }
}
