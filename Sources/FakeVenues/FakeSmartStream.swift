import AngelOne
import Foundation
import Synchronization
import Vapor

/// A stand-in for Angel One's SmartStream 2.0 market-data socket on loopback, for tests
/// (`../shared/reference/protocols.md` §2): it upgrades only with the four headers it expects (else HTTP 401 with
/// `x-error-message`, as SmartStream does), answers a text `ping` with `pong`, answers a subscription that is not
/// valid JSON with an `E1001` error frame, and sends whatever binary frames the test hands it, well formed or not.
public final class FakeSmartStream: Sendable {
    /// The header values a connection must carry: the credentials the feed sends.
    public typealias Expected = SmartStreamFeed.Credentials

    struct State {
        var sockets: [ObjectIdentifier: WebSocket] = [:]
        var upgrades = 0
        var refusals = 0
        var subscriptions: [String] = []
        var pings = 0
        var answersPings = true
    }

    private let server = Mutex<Application?>(nil)
    /// Why a handshake's headers are refused (nil: accepted).
    private let judge: @Sendable (_ jwt: String, _ apiKey: String, _ clientCode: String, _ feedToken: String) -> String?
    private let state = Mutex(State())
    private let port = Atomic<Int>(0)

    /// Starts the fake on an ephemeral loopback port.
    public static func start(expecting expected: Expected) async throws -> FakeSmartStream {
        try await start { jwt, apiKey, clientCode, feedToken in
            if jwt != expected.jwt { return "Invalid Header - Invalid Auth token" }
            if clientCode != expected.clientCode { return "Invalid Header - Invalid Client Code" }
            if apiKey != expected.apiKey { return "Invalid Header - Invalid API Key" }
            if feedToken != expected.feedToken { return "Invalid Header - Invalid Feed Token" }
            return nil
        }
    }

    /// Starts the fake accepting the sessions a fake SmartAPI hands out, as the real pair does.
    public static func start(sessionsOf api: FakeSmartAPI, port: Int = 0) async throws -> FakeSmartStream {
        try await start(port: port) { api.streamRefusal(jwt: $0, apiKey: $1, clientCode: $2, feedToken: $3) }
    }

    private static func start(
        port requested: Int = 0,
        judge: @escaping @Sendable (_ jwt: String, _ apiKey: String, _ clientCode: String, _ feedToken: String) -> String?
    ) async throws -> FakeSmartStream {
        let fake = FakeSmartStream(judge: judge)
        let (app, port) = try await LoopbackServer.start(port: requested, routes: fake.routes)
        fake.server.withLock { $0 = app }
        fake.port.store(port, ordering: .releasing)
        return fake
    }

    private init(judge: @escaping @Sendable (String, String, String, String) -> String?) { self.judge = judge }

    /// The socket's URL, as `ANGELONE_STREAM_URL` would be set.
    public var url: String { "ws://127.0.0.1:\(port.load(ordering: .acquiring))/smart-stream" }

    public func shutdown() async {
        dropAll()
        if let app = server.withLock({ $0 }) { await LoopbackServer.stop(app) }
    }

    /// Connections upgraded so far, connections refused, and those open now.
    public var upgrades: Int { state.withLock { $0.upgrades } }
    public var refusals: Int { state.withLock { $0.refusals } }
    public var openConnections: Int { state.withLock { $0.sockets.count } }
    /// Every text frame received that was not a `ping`, in order.
    public var subscriptions: [String] { state.withLock { $0.subscriptions } }
    public var pings: Int { state.withLock { $0.pings } }

    /// Stops answering pings (and keeps sending nothing else): a server that hangs without closing.
    public func answerPings(_ answer: Bool) { state.withLock { $0.answersPings = answer } }

    /// Sends a binary frame to every open connection.
    public func broadcast(_ frame: [UInt8]) {
        for socket in state.withLock({ Array($0.sockets.values) }) { socket.send(frame) }
    }

    /// Sends a text frame to every open connection.
    public func broadcast(text: String) {
        for socket in state.withLock({ Array($0.sockets.values) }) { socket.send(text) }
    }

    /// Closes every open connection from the server's side.
    public func dropAll() {
        for socket in state.withLock({ Array($0.sockets.values) }) { _ = socket.close(code: .goingAway) }
    }

    private func routes(_ app: Application) {
        // The headers are checked before the upgrade, in a plain handler: a refusal is an ordinary 401 answer.
        app.get("smart-stream") { [self] request async -> Response in
            if let refusal = refusal(request.headers) {
                state.withLock { $0.refusals += 1 }
                return Response(status: .unauthorized, headers: ["x-error-message": refusal])
            }
            // The event-loop variant: its handler runs before the socket reads anything, so a subscription sent at
            // once is not lost (the async variant registers `onText` from a task, after frames may have arrived).
            return request.webSocket(maxFrameSize: .init(integerLiteral: 1 << 20),
                                     shouldUpgrade: { request in request.eventLoop.makeSucceededFuture([:]) }) { [self] _, socket in
                let key = ObjectIdentifier(socket)
                state.withLock { state in
                    state.upgrades += 1
                    state.sockets[key] = socket
                }
                socket.onText { [self] socket, text in received(text, on: socket) }
                socket.onClose.whenComplete { [self] _ in _ = state.withLock { $0.sockets.removeValue(forKey: key) } }
            }
        }
    }

    /// SmartStream's refusal message for the first header that is missing or wrong.
    private func refusal(_ headers: HTTPHeaders) -> String? {
        let authorization = headers.first(name: "Authorization") ?? ""
        let jwt = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : authorization
        return judge(jwt, headers.first(name: "x-api-key") ?? "", headers.first(name: "x-client-code") ?? "",
                     headers.first(name: "x-feed-token") ?? "")
    }

    private func received(_ text: String, on socket: WebSocket) {
        if text == "ping" {
            let answer = state.withLock { state in
                state.pings += 1
                return state.answersPings
            }
            if answer { socket.send("pong") }
            return
        }
        state.withLock { $0.subscriptions.append(text) }
        let valid = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["params"] != nil
        if !valid {
            socket.send(#"{"correlationID":"","errorCode":"E1001","errorMessage":"Invalid Request Payload."}"#)
        }
    }
}
