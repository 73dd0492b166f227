import Foundation
import JWT
import TradingCore
import Vapor

/// Issues and checks access tokens (JWT HS256 with the server's secret). A good signature is not the whole answer:
/// `Authenticator` also checks the token's session version and the account against the database.
struct TokenService: Sendable {
    /// A token whose signature and expiry checked out: whose it is and which session version it carries.
    struct Claims: Sendable, Equatable {
        var user: UserID
        var sessionVersion: Int64
    }

    let keys: JWTKeyCollection
    let lifetime: TimeInterval
    private let verified = VerifiedTokens()

    init(keys: JWTKeyCollection, lifetime: TimeInterval) {
        self.keys = keys
        self.lifetime = lifetime
    }

    func issue(for user: UserID, sessionVersion: Int64, now: Date) async throws -> String {
        let payload = UserPayload(sub: SubjectClaim(value: user.description), iat: IssuedAtClaim(value: now),
                                  exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)), ver: sessionVersion)
        return try await keys.sign(payload)
    }

    /// The claims of a token, or nil for a missing, malformed, forged or expired token. Expiry is judged by the
    /// system clock, as the JWT library does.
    func verify(_ token: String) async -> Claims? {
        let now = Date()
        if let claims = verified.claims(for: token, now: now) { return claims }
        guard let payload = try? await keys.verify(token, as: UserPayload.self),
              let uuid = UUID(uuidString: payload.sub.value)
        else { return nil }
        let claims = Claims(user: UserID(uuid), sessionVersion: payload.ver ?? 0)
        verified.remember(token, claims: claims, expires: payload.exp.value)
        return claims
    }
}
