import Dispatch
import Foundation
import NIOWebSocket
import Vapor

/// Runs a configured application as a server until SIGTERM or SIGINT, then shuts down in the order users need:
/// open WebSockets get a close frame (1001 going away) so browsers reconnect elsewhere at once, the HTTP server stops
/// taking connections, the engine stops taking ticks and commits what it matched, and the database closes last.
///
/// Vapor's own serve command waits (up to ten seconds, then logs an error) for WebSockets that nobody closes; this
/// replaces it for `stockcart serve`.
public enum ServerRunner {
    public static func run(_ app: Application) async throws {
        try await app.asyncBoot()
        let configuration = app.http.server.configuration
        try await app.server.start(address: .hostname(configuration.hostname, port: configuration.port))
        let signal = await waitForTerminationSignal()
        app.logger.notice("received \(signal); shutting down")
        app.stockcart.sockets.closeAll(code: .goingAway, reason: "server shutting down")
        await app.server.shutdown()
    }

    /// Suspends until the process receives SIGTERM or SIGINT; returns its name.
    private static func waitForTerminationSignal() async -> String {
        await withCheckedContinuation { continuation in
            let fired = SignalOnce(continuation)
            for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
                // Ignore the default action so the dispatch source, not the kernel, handles the signal.
                Foundation.signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { fired.resume(name) }
                source.resume()
                fired.retain(source)
            }
        }
    }
}

/// Resumes a continuation for the first signal only, and keeps the dispatch sources alive until then.
private final class SignalOnce: @unchecked Sendable {
    // @unchecked: every field is guarded by `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<String, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = continuation }

    func retain(_ source: any DispatchSourceSignal) {
        lock.withLock { sources.append(source) }
    }

    func resume(_ name: String) {
        let pending = lock.withLock { () -> CheckedContinuation<String, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume(returning: name)
    }
}
