import Foundation
@testable import Persistence
import Testing

/// The direct SQLite connection leaves checkpoints to a thread of their own: commits never copy the log back into the
/// database, and the log is still copied back once it passes the threshold.
@Suite("WAL checkpoints run off the write path")
struct WALCheckpointerTests {
    /// A fresh directory for one test's database file.
    static func scratchDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("a long run of commits is checkpointed in the background, and every row is there")
    func checkpointsInBackground() async throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("test.sqlite").path
        let connection = try DirectSQLiteConnection(path: path)
        let checkpointer = try #require(connection.checkpointer)
        _ = try connection.run("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)", [])
        let payload = String(repeating: "x", count: 2_000)
        // Each commit appends at least one page to the log: 6,000 of them pass the 1,000-page threshold.
        for row in 0..<6_000 {
            try await connection.transaction {
                _ = try connection.run("INSERT INTO t (id, payload) VALUES (?, ?)", [.integer(Int64(row)), .text(payload)])
            }
        }
        checkpointer.waitForIdle()
        #expect(checkpointer.completed >= 1)
        // The background passes copied the log (a pass on a connection that does not know the file is in WAL mode
        // succeeds having copied nothing), and no writer had to.
        let deadline = ContinuousClock.now + .seconds(20)
        while !checkpointer.caughtUp, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(checkpointer.caughtUp)
        #expect(checkpointer.completedByWriter == 0)
        let count = try connection.run("SELECT COUNT(*) AS n FROM t", []).first?.value("n")
        guard case .integer(let rows) = count else { Issue.record("no count: \(String(describing: count))"); return }
        #expect(rows == 6_000)
        let check = try connection.run("PRAGMA integrity_check", []).first?.values.first
        guard case .text(let verdict) = check else { Issue.record("no integrity verdict"); return }
        #expect(verdict == "ok")
    }

    @Test("without a checkpointer of its own the connection keeps SQLite's automatic checkpoints")
    func withoutCheckpointer() throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try DirectSQLiteConnection(path: directory.appendingPathComponent("t.sqlite").path,
                                                    checkpointInBackground: false)
        #expect(connection.checkpointer == nil)
        let setting = try connection.run("PRAGMA wal_autocheckpoint", []).first?.values.first
        guard case .integer(let pages) = setting else { Issue.record("no setting"); return }
        #expect(pages == 1_000)
    }

    @Test("under an endless stream of commits the log still starts again: it never grows past the restart length")
    func logRestarts() async throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stream.sqlite").path
        let connection = try DirectSQLiteConnection(path: path)
        let checkpointer = try #require(connection.checkpointer)
        _ = try connection.run("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)", [])
        // About one log frame per commit, three times the restart length: without a checkpoint that completes, the
        // log would hold them all. The writer completes one once the background has caught up, and at twice the
        // restart length in any case, so the log never passes that.
        let commits = Int(WALCheckpointer.restartPages) * 3
        for row in 0..<commits {
            try await connection.transaction {
                _ = try connection.run("INSERT INTO t (id, payload) VALUES (?, ?)", [.integer(Int64(row)), .text("p")])
            }
        }
        checkpointer.waitForIdle()
        #expect(checkpointer.completedByWriter >= 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "-wal")
        let bytes = (attributes[.size] as? NSNumber)?.intValue ?? .max
        let frame = 4_096 + 24
        #expect(bytes <= Int(WALCheckpointer.restartPages) * 2 * frame * 11 / 10, "the log is \(bytes / 1_048_576) MB")
    }

    @Test("when the writes pause, the background copies the whole log and the next commit starts it afresh")
    func idleCatchUp() async throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try DirectSQLiteConnection(path: directory.appendingPathComponent("idle.sqlite").path)
        let checkpointer = try #require(connection.checkpointer)
        _ = try connection.run("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)", [])
        // A burst past the threshold but short of the restart length: background passes only, and the last pass
        // runs while commits still arrive, so it leaves frames behind that no later commit will ask to copy.
        for row in 0..<3_000 {
            try await connection.transaction {
                _ = try connection.run("INSERT INTO t (id, payload) VALUES (?, ?)", [.integer(Int64(row)), .text("p")])
            }
        }
        let burst = checkpointer.logLength
        #expect(burst >= WALCheckpointer.thresholdPages)
        let deadline = ContinuousClock.now + .seconds(20)
        while !checkpointer.caughtUp, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(checkpointer.caughtUp, "the background stopped \(checkpointer.logLength) frames in")
        try await connection.transaction {
            _ = try connection.run("INSERT INTO t (id, payload) VALUES (?, ?)", [.integer(9_999_999), .text("p")])
        }
        #expect(checkpointer.logLength < 10, "the log went on from frame \(burst) to \(checkpointer.logLength)")
        #expect(checkpointer.completedByWriter == 0)
    }
}
