/// The three tokens a SmartAPI login (or a token refresh) hands out. Secrets: never logged, never returned.
public struct SessionTokens: Decodable, Equatable, Sendable, CustomStringConvertible {
    /// Authorises REST calls (`Authorization: Bearer …`).
    public let jwtToken: String
    /// Exchanged for new tokens before the JWT expires (`generateTokens`).
    public let refreshToken: String
    /// Authorises the SmartStream market-data socket.
    public let feedToken: String

    public init(jwtToken: String, refreshToken: String, feedToken: String) {
        self.jwtToken = jwtToken
        self.refreshToken = refreshToken
        self.feedToken = feedToken
    }

    public var description: String { "SessionTokens(hidden)" }
}
