@testable import API
import Foundation
import Testing
import Vapor

/// A query parameter that is present is read or refused, never treated as absent: bytes that are not UTF-8 once
/// percent-decoded, or a parameter given twice, answer 400 naming it.
@Suite("Query parameters: present means read, or refused")
struct QueryParameterTests {
    @Test("an undecodable or repeated parameter is 400 naming it", arguments: [
        ("/api/stocks/RELIANCE/candles?interval=%FF", "interval"),
        ("/api/stocks/RELIANCE/candles?limit=%FF", "limit"),
        ("/api/stocks/RELIANCE/candles?limit=%C0%AF", "limit"),
        ("/api/stocks/candles?symbols=RELIANCE&interval=%FF", "interval"),
        ("/api/stocks/candles?symbols=RELIANCE&limit=%FF", "limit"),
        ("/api/stocks/candles?symbols=%FF", "symbols"),
        ("/api/orders?status=%FF", "status"),
        ("/api/stocks?search=%FF", "search"),
        ("/api/stocks?sector=%E2%82", "sector"),
        ("/api/orders?status=PENDING&status=EXECUTED", "status"),
        ("/api/stocks/RELIANCE/candles?limit=10&limit=20", "limit"),
        ("/api/stocks/RELIANCE/candles?interval=%25", "interval"),
    ] as [(String, String)])
    func refused(path: String, field: String) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.GET, path, token: token)
            #expect(reply.status == .badRequest, "\(path) → \(reply.status) \(reply.text)")
            #expect(reply.field == field, "\(path) → \(reply.text)")
            #expect(reply["error"] as? Bool == true)
        }
    }

    @Test("well-formed parameters still work, and unknown ones are ignored", arguments: [
        ("/api/stocks?search=tata%20m", 200), ("/api/stocks?search=TATA+M&cache=%FF%FF", 200),
        ("/api/orders?status=pending", 200), ("/api/stocks/RELIANCE/candles?interval=5m&limit=3", 200),
        ("/api/orders?status", 400),
    ] as [(String, UInt)])
    func accepted(path: String, status: UInt) async throws {
        try await withTestApp { app in
            let (token, _) = try await app.register()
            let reply = try await app.send(.GET, path, token: token)
            #expect(reply.status.code == status, "\(path) → \(reply.text)")
        }
    }

    @Test("a WebSocket token that cannot be decoded closes the socket with the reason")
    func socketToken() async throws {
        try await withTestApp { app in
            let port = try await app.startServer()
            let socket = try await SocketClient.connect(port: port, query: "?token=%FF", on: app.app.eventLoopGroup)
            try await socket.socket.onClose.get()
            #expect(socket.socket.closeCode == .unknown(4401))
            #expect(socket.messages("error").first?["reason"]?.contains("token") == true)
            await app.stopServer()
        }
    }
}
