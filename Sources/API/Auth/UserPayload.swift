import Foundation
import JWT

/// The claims of a StockCart access token: the user id (`sub`), issue and expiry times. HS256-signed.
struct UserPayload: JWTPayload {
    var sub: SubjectClaim
    var iat: IssuedAtClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}
