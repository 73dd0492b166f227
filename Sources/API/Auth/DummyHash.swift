import Foundation
import Synchronization
import Vapor

/// A bcrypt hash of a random string at the server's cost, made once: a login for an e-mail that has no account is
/// checked against it, so it takes as long as a real one and the timing does not tell which e-mails exist.
final class DummyHash: Sendable {
    static let shared = DummyHash()

    private let hashes = Mutex<[Int: String]>([:])

    func hash(cost: Int) -> String {
        if let known = hashes.withLock({ $0[cost] }) { return known }
        let made = (try? Bcrypt.hash(UUID().uuidString, cost: cost)) ?? ""
        hashes.withLock { $0[cost] = made }
        return made
    }
}
