import Foundation
import JWT

/// The claims of a StockCart access token: the user id (`sub`), issue and expiry times, and the user's session
/// version when it was issued (`ver`; a token older than the user's current version has been revoked). HS256-signed.
struct UserPayload: JWTPayload {
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    /// Absent in tokens issued before sessions were versioned; they count as version 0.
    var ver: Int64?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
