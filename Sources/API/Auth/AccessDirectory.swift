import Foundation
import Persistence
import Synchronization
import TradingCore

/// The role, disabled flag and session version of the users making requests, read from the database once and kept,
/// so that checking a token for revocation costs a dictionary lookup rather than a query per request.
///
/// An entry is dropped the moment the user's access changes (`forget`, called on every instance through
/// `AccessChanges`) and in any case after `maxAge`, so that a message that never arrived cannot keep a revoked token
/// working for longer than that.
final class AccessDirectory: Sendable {
    typealias Loader = @Sendable (UserID) async throws -> UserAccess?

    private struct Entry {
        var access: UserAccess?
        var loadedAt: ContinuousClock.Instant
    }

    private struct State {
        var entries: [UserID: Entry] = [:]
        /// Bumped by every `forget`: a load that began before it must not store what it read.
        var generation: UInt64 = 0
    }

    static let capacity = 100_000

    private let state = Mutex(State())
    private let load: Loader
    private let maxAge: Duration

    init(maxAge: Duration = .seconds(30), load: @escaping Loader) {
        self.maxAge = maxAge
        self.load = load
    }

    /// The user's access, or nil when there is no such user. Throws when the database cannot be read.
    func access(of user: UserID) async throws -> UserAccess? {
        let now = ContinuousClock.now
        let cached = state.withLock { state -> (hit: Entry?, generation: UInt64) in
            (state.entries[user].flatMap { now - $0.loadedAt < maxAge ? $0 : nil }, state.generation)
        }
        if let hit = cached.hit { return hit.access }
        let access = try await load(user)
        state.withLock { state in
            guard state.generation == cached.generation else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[user] = Entry(access: access, loadedAt: now)
        }
        return access
    }

    /// Drops what is known of `user`: the next request reads the database again.
    func forget(_ user: UserID) {
        state.withLock { state in
            state.generation &+= 1
            state.entries[user] = nil
        }
    }

    /// Drops everything (the cluster's messages may have been missed).
    func forgetAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll()
        }
    }
}
