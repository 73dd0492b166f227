import Fluent
import Foundation
@testable import Persistence
import SQLKit
import Synchronization
import Testing
import TestSupport

/// Writes to a SQLite file commit in groups; each keeps its own outcome.
@Suite("Group commit on SQLite")
struct GroupCommitTests {
    struct Refused: Error, Equatable { let number: Int }

    @Test("concurrent writes share commits; one that throws is rolled back alone and gets its own error")
    func groupsKeepTheirOwnOutcome() async throws {
        try await withMigratedDatabase(.sqlite) { db in
            let configuration = try #require(db.context.configuration as? GatedSQLiteConfiguration)
            let committer = try #require(configuration.committer)
            try await TransactionRunner.write(on: db) { session in
                _ = try await session.run("CREATE TABLE grouped (number INTEGER PRIMARY KEY)", [])
            }
            let before = committer.committedGroups
            // Someone else holds the write gate until all the writes have queued (as a burst of requests does behind
            // a commit in progress), so they must then commit in groups, however slowly the tasks are scheduled.
            let holding = Mutex(false)
            let holder = Task {
                try await configuration.gate.withGate {
                    holding.withLock { $0 = true }
                    let deadline = ContinuousClock.now + .seconds(120)
                    while committer.queued < 300, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
            while !holding.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            let outcomes = await withTaskGroup(of: (Int, Result<Int, Refused>).self) { tasks in
                for number in 0..<300 {
                    tasks.addTask {
                        do {
                            let answer = try await TransactionRunner.write(on: db) { session in
                                _ = try await session.run("INSERT INTO grouped (number) VALUES (?)", [.integer(Int64(number))])
                                // Every tenth write changes its mind after writing: its row must not survive.
                                if number % 10 == 0 { throw Refused(number: number) }
                                return number * 2
                            }
                            return (number, .success(answer))
                        } catch {
                            return (number, .failure(error as? Refused ?? Refused(number: -1)))
                        }
                    }
                }
                return await tasks.reduce(into: [Int: Result<Int, Refused>]()) { $0[$1.0] = $1.1 }
            }
            for number in 0..<300 {
                if number % 10 == 0 {
                    #expect(outcomes[number] == .failure(Refused(number: number)))
                } else {
                    #expect(outcomes[number] == .success(number * 2))
                }
            }
            let sql = try #require(db as? any SQLDatabase)
            let stored = try await sql.raw("SELECT number FROM grouped ORDER BY number").all()
                .map { try $0.decode(column: "number", as: Int.self) }
            #expect(stored == (0..<300).filter { $0 % 10 != 0 })
            try await holder.value
            let groups = committer.committedGroups - before
            #expect(groups >= 5 && groups < 100, "300 queued writes took \(groups) commits (at most 64 a group)")
        }
    }

    @Test("a write that fails the database (a unique key) does not undo the writes grouped with it")
    func constraintInGroup() async throws {
        try await withMigratedDatabase(.sqlite) { db in
            try await TransactionRunner.write(on: db) { session in
                _ = try await session.run("CREATE TABLE keyed (k TEXT PRIMARY KEY)", [])
            }
            let results = await withTaskGroup(of: Bool.self) { tasks in
                for index in 0..<100 {
                    tasks.addTask {
                        // Half the writes use the same key twice over: exactly one of each pair may win.
                        let key = "k\(index % 50)"
                        return (try? await TransactionRunner.write(on: db) { session in
                            _ = try await session.run("INSERT INTO keyed (k) VALUES (?)", [.text(key)])
                        }) != nil
                    }
                }
                return await tasks.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 50)
            let sql = try #require(db as? any SQLDatabase)
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM keyed").first()?.decode(column: "n", as: Int.self)
            #expect(count == 50)
        }
    }
}
