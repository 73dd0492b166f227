import Foundation
import Synchronization

/// Tokens whose signature has already been checked, with their claims and expiry, so that a client sending the same
/// token on every request costs one dictionary lookup instead of two JSON decodes and an HMAC each time (about a
/// tenth of the CPU of a cheap request).
///
/// Only tokens that verified with the server's key are kept, and an entry is used only until the token's own
/// expiry. Bounded: when full it is emptied and refills from the tokens in use.
final class VerifiedTokens: Sendable {
    private struct Entry {
        var claims: TokenService.Claims
        var expires: Date
    }

    static let capacity = 10_000

    private let entries = Mutex<[String: Entry]>([:])

    /// The claims of a token verified before and not expired at `now`; nil otherwise (verify it, then `remember`).
    /// Revocation is not judged here: the claims carry the session version for `Authenticator` to compare.
    func claims(for token: String, now: Date) -> TokenService.Claims? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.claims
        }
    }

    func remember(_ token: String, claims: TokenService.Claims, expires: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(claims: claims, expires: expires)
        }
    }
}
