import Dispatch
import Foundation
import Glibc
import Synchronization
import VaporCSQLite

/// Copies a SQLite file's write-ahead log back into the database on a thread of its own, so no write waits for it.
///
/// Left to itself, SQLite checkpoints inside the commit that takes the log past 1,000 pages: that commit, and every
/// write queued behind it at the write gate, waits while the log is copied and the file synced (a profile of order
/// placement showed 5 % of the server's CPU there, all of it on the request path, and the p99 with it). The direct
/// connection turns that off and tells this checkpointer how long the log is after each commit; past the threshold
/// it runs a `PASSIVE` checkpoint on its own connection, which copies what no reader still needs and never blocks
/// writers or readers. Commits that arrive while one runs are covered by the next.
///
/// The log only starts again from its beginning when a checkpoint has copied all of it; under a steady stream of
/// writes a checkpoint running beside them never quite catches up, and the log would grow without end (and every
/// read with it, since SQLite looks pages up in the log's index). So once the log passes `restartPages`, the commit
/// that sees it finishes the checkpoint itself, on the writing connection while its caller still holds the write
/// gate (so nothing is appended meanwhile): the background has already copied nearly everything, so this copies the
/// last frames and syncs, and the next write starts the log afresh.
final class WALCheckpointer: @unchecked Sendable {
    // @unchecked: `handle` is used only on `queue`.
    /// How many pages the log must have grown past what was last checkpointed before the next checkpoint starts:
    /// SQLite's own default, so the background stays close behind the writers.
    static let thresholdPages: Int32 = 1_000
    /// The log length (pages, about 64 MB) from which the writer completes a checkpoint itself, when the background is
    /// within `catchUpPages` of the end (twice that length in any case). Each completion pauses the writes while the
    /// writer copies those last frames and syncs what they changed; at this length that is every few seconds under
    /// full load, a few milliseconds each (`docs/benchmarks.md`, HTTP step 11).
    static let restartPages: Int32 = 16_000
    /// How close behind the log's end the background must be for the writer to complete a checkpoint: what is left
    /// is what the writer copies (and syncs) while the writes wait.
    static let catchUpPages: Int32 = 500
    /// How long after a commit a pass checks whether the log has been copied, if no commit starts one first.
    static let followUpDelay: DispatchTimeInterval = .milliseconds(100)

    private let queue = DispatchQueue(label: "stockcart.sqlite.checkpoint")
    private let handle: OpaquePointer
    /// The database file, opened only to flush it (see `startPass`).
    private let databaseFile: Int32
    private let running = Atomic<Bool>(false)
    /// The log frames the last checkpoint copied; the log restarts from its start once they all are.
    private let checkpointedFrames = Atomic<Int32>(0)
    private let completedCount = Atomic<Int>(0)
    private let writerCompleted = Atomic<Int>(0)
    private let lastLength = Atomic<Int32>(0)
    private let lookOutPending = Atomic<Bool>(false)

    init(path: String) throws {
        let opened = try DirectSQLiteConnection.open(path, create: false)
        // The same durability as the writers: a checkpoint syncs the database file before it resets the log. Setting
        // the journal mode here also makes this connection read the file: one that never has does not know the file
        // is in WAL mode, and its checkpoints do nothing (reporting -1 frames).
        let status = sqlite_nio_sqlite3_exec(
            opened, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000", nil, nil, nil)
        guard status == SQLITE_OK else {
            let message = String(cString: sqlite_nio_sqlite3_errmsg(opened))
            sqlite_nio_sqlite3_close_v2(opened)
            throw DirectSQLiteConnection.Failure(code: status, message: message)
        }
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            sqlite_nio_sqlite3_close_v2(opened)
            throw DirectSQLiteConnection.Failure(code: SQLITE_CANTOPEN, message: "cannot open \(path): errno \(errno)")
        }
        handle = opened
        databaseFile = descriptor
    }

    deinit {
        // Every queued checkpoint holds a reference, so none is running or pending by now.
        sqlite_nio_sqlite3_close_v2(handle)
        Glibc.close(databaseFile)
    }

    /// Checkpoints run to completion so far (tests and diagnostics), and how many of them the writer ran.
    var completed: Int { completedCount.load(ordering: .relaxed) }
    var completedByWriter: Int { writerCompleted.load(ordering: .relaxed) }
    /// The log's length in pages after the last commit (tests and diagnostics): small again once it restarted.
    var logLength: Int32 { lastLength.load(ordering: .relaxed) }
    /// Whether the background has copied every frame of the log as of the last commit (tests and diagnostics).
    var caughtUp: Bool { checkpointedFrames.load(ordering: .relaxed) >= lastLength.load(ordering: .relaxed) }

    /// Called after a commit, on the committing connection `writer`, with the log's length in pages; starts a
    /// checkpoint once the log has grown by the threshold since the last one, unless one is running, and past
    /// `restartPages` completes one on `writer` so the log can start again.
    func logGrew(to pages: Int32, writer: OpaquePointer?) {
        lastLength.store(pages, ordering: .relaxed)
        // Past the restart length, the writer finishes the job when the background has just caught up (few frames
        // left to copy, none being copied), or in any case at twice that length.
        let behind = pages - checkpointedFrames.load(ordering: .relaxed)
        let caughtUp = behind >= 0 && behind <= Self.catchUpPages && !running.load(ordering: .acquiring)
        if pages >= Self.restartPages, caughtUp || pages >= Self.restartPages * 2, let writer {
            // Nothing copied when the background checkpoint holds the lock (SQLITE_BUSY): the next commit tries again.
            if let copied = Self.checkpoint(writer) {
                checkpointedFrames.store(copied, ordering: .relaxed)
                completedCount.add(1, ordering: .relaxed)
                writerCompleted.add(1, ordering: .relaxed)
            }
            return
        }
        var since = checkpointedFrames.load(ordering: .relaxed)
        if pages < since { since = 0 } // the log restarted from its start
        if pages - since >= Self.thresholdPages { startPass() }
        scheduleLookOut()
    }

    /// Starts a background pass unless one is running.
    private func startPass() {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        queue.async { [self] in
            if let copied = Self.checkpoint(handle) {
                // SQLite syncs the database file only in a checkpoint that copies the whole log, which under load is
                // the writer's (`logGrew`): everything the background copied since the last restart would be flushed
                // in that one sync while the writes wait (35 ms and growing with the database, measured). Flushing
                // after every pass, here, leaves that sync only the last few frames.
                if copied > checkpointedFrames.load(ordering: .relaxed) { _ = fdatasync(databaseFile) }
                checkpointedFrames.store(copied, ordering: .relaxed)
                completedCount.add(1, ordering: .relaxed)
            }
            running.store(false, ordering: .releasing)
        }
    }

    /// A `PASSIVE` checkpoint on `connection`: the log frames copied so far, or nil when it could not run (busy, or
    /// a connection that does not see the file in WAL mode, which SQLite reports as success with −1 frames).
    private static func checkpoint(_ connection: OpaquePointer) -> Int32? {
        var logged: Int32 = 0, copied: Int32 = 0
        let status = sqlite_nio_sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, &logged, &copied)
        guard status == SQLITE_OK, logged >= 0 else { return nil }
        return max(copied, 0)
    }

    /// Makes sure a pass looks at the log a moment after this commit, whatever the threshold says.
    ///
    /// Under load the commits start the passes; when the writes stop, the frames after the last pass would wait for
    /// a threshold no commit reaches. The look-out sees them, and with no writer appending that pass copies all of
    /// the log, so the next write starts it afresh without any writer waiting for a checkpoint. At most one look-out
    /// is pending at a time: one timer per `followUpDelay` under load, nothing when idle.
    private func scheduleLookOut() {
        guard lookOutPending.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        queue.asyncAfter(deadline: .now() + Self.followUpDelay) { [self] in
            lookOutPending.store(false, ordering: .relaxed)
            if !caughtUp { startPass() }
        }
    }

    /// Runs `body` after any checkpoint in progress (tests).
    func waitForIdle() { queue.sync {} }
}
