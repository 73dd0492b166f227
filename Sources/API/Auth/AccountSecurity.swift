import Foundation

/// Who may do what: issuing and checking tokens, making a revocation hold on every instance, the login throttle and
/// the per-user request limit. Built once by `configure`.
struct AccountSecurity: Sendable {
    let tokens: TokenService
    let authenticator: Authenticator
    let changes: AccessChanges
    let loginLimiter: LoginRateLimiter
    let requestLimiter: APIRateLimiter
}
