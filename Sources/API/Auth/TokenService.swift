import Foundation
import JWT
import TradingCore
import Vapor

/// Issues and checks access tokens (JWT HS256 with the server's secret).
struct TokenService: Sendable {
    let keys: JWTKeyCollection
    let lifetime: TimeInterval

    func issue(for user: UserID, now: Date) async throws -> String {
        let payload = UserPayload(sub: SubjectClaim(value: user.description), iat: IssuedAtClaim(value: now),
                                  exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)))
        return try await keys.sign(payload)
    }

    /// The user a token belongs to, or nil for a missing, malformed, forged or expired token.
    func verify(_ token: String) async -> UserID? {
        guard let payload = try? await keys.verify(token, as: UserPayload.self),
              let uuid = UUID(uuidString: payload.sub.value)
        else { return nil }
        return UserID(uuid)
    }
}
