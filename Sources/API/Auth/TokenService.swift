import Foundation
import JWT
import TradingCore
import Vapor

/// Issues and checks access tokens (JWT HS256 with the server's secret).
struct TokenService: Sendable {
    let keys: JWTKeyCollection
    let lifetime: TimeInterval
    private let verified = VerifiedTokens()

    init(keys: JWTKeyCollection, lifetime: TimeInterval) {
        self.keys = keys
        self.lifetime = lifetime
    }

    func issue(for user: UserID, now: Date) async throws -> String {
        let payload = UserPayload(sub: SubjectClaim(value: user.description), iat: IssuedAtClaim(value: now),
                                  exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)))
        return try await keys.sign(payload)
    }

    /// The user a token belongs to, or nil for a missing, malformed, forged or expired token. Expiry is judged by
    /// the system clock, as the JWT library does.
    func verify(_ token: String) async -> UserID? {
        let now = Date()
        if let user = verified.user(for: token, now: now) { return user }
        guard let payload = try? await keys.verify(token, as: UserPayload.self),
              let uuid = UUID(uuidString: payload.sub.value)
        else { return nil }
        let user = UserID(uuid)
        verified.remember(token, user: user, expires: payload.exp.value)
        return user
    }
}
