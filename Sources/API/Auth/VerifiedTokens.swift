import Foundation
import Synchronization
import TradingCore

/// Tokens whose signature has already been checked, with their user and expiry, so that a client sending the same
/// token on every request costs one dictionary lookup instead of two JSON decodes and an HMAC each time (about a
/// tenth of the CPU of a cheap request).
///
/// Only tokens that verified with the server's key are kept, and an entry is used only until the token's own
/// expiry. Bounded: when full it is emptied and refills from the tokens in use.
final class VerifiedTokens: Sendable {
    private struct Entry {
        var user: UserID
        var expires: Date
    }

    static let capacity = 10_000

    private let entries = Mutex<[String: Entry]>([:])

    /// The user of a token verified before and not expired at `now`; nil otherwise (verify it, then `remember`).
    func user(for token: String, now: Date) -> UserID? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.user
        }
    }

    func remember(_ token: String, user: UserID, expires: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(user: user, expires: expires)
        }
    }
}
