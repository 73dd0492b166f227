import Vapor

/// Starts a fake's Vapor application on an ephemeral loopback port, its routes registered first (the server
/// compiles its router when it starts), and stops it again.
enum LoopbackServer {
    /// The running application and its port.
    static func start(port requested: Int = 0, routes: (Application) -> Void) async throws
        -> (app: Application, port: Int) {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        routes(app)
        do {
            try await app.server.start(address: .hostname("127.0.0.1", port: requested))
            guard let port = app.http.server.shared.localAddress?.port else { throw Abort(.internalServerError) }
            return (app, port)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    static func stop(_ app: Application) async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
