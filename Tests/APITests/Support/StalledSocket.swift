import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
private let streamType = Int32(SOCK_STREAM.rawValue)
#else
import Darwin
private let streamType = SOCK_STREAM
#endif

// The system calls under names that do not clash with the methods below.
private func systemConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { write(descriptor, bytes, count) }
private func systemClose(_ descriptor: Int32) { _ = close(descriptor) }

/// A WebSocket client over loopback that completes the upgrade and then never reads again, like a frozen browser
/// tab. Everything the server sends it first fills the kernel buffers and then waits in the server's own write queue,
/// which is the backpressure the server has to survive. It can still send frames, and does not answer pings.
///
/// Plain blocking BSD sockets rather than NIO: a NIO client keeps reading (and answering pings) on its own. Every
/// blocking call runs on a thread of its own (`offCooperativePool`): blocked on one of Swift concurrency's few
/// cooperative threads (two on a two-core machine) it would starve every other task in the process, the server
/// under test included, which then cannot answer the very upgrade the call waits for.
final class StalledSocket: Sendable {
    private let descriptor: Int32
    /// Closing twice could close a descriptor number another test has been given in the meantime.
    private let closed = Atomic<Bool>(false)

    private init(descriptor: Int32) { self.descriptor = descriptor }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Connects to `/api/ws?token=…` and returns once the server has answered `101 Switching Protocols`.
    static func connect(port: Int, token: String) async throws -> StalledSocket {
        try await offCooperativePool { try connectBlocking(port: port, token: token) }
    }

    /// Sends text messages as masked client frames in one write (the server reads them whatever this side does).
    func send(_ texts: [String]) async throws {
        var bytes: [UInt8] = []
        for text in texts { Self.appendFrame(Array(text.utf8), to: &bytes) }
        try await offCooperativePool { [bytes] in try self.write(bytes) }
    }

    private static func connectBlocking(port: Int, token: String) throws -> StalledSocket {
        let descriptor = socket(AF_INET, streamType, 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        let client = StalledSocket(descriptor: descriptor)
        // A small receive buffer (set before connecting, so the window is small from the start) means only a little
        // of what the server sends fits in this side's kernel before the server's writes back up.
        client.setOption(SO_RCVBUF, 4_096)
        // Bounds every blocking call, so a server that stopped reading fails the test instead of hanging it.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemConnect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            client.close()
            throw Failure(description: "connect() failed: errno \(errno)")
        }

        let request = "GET /api/ws?token=\(token) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try client.write(Array(request.utf8))
        // Read only up to the end of the response head; frames the server sends right after it stay unread.
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
            let count = read(descriptor, &byte, 1)
            guard count == 1 else {
                let reason = count == 0 ? "connection closed" : "read() failed (errno \(errno))"
                client.close()
                throw Failure(description: "\(reason) during the upgrade after: \(String(decoding: head, as: UTF8.self))")
            }
            head.append(byte)
        }
        let status = String(decoding: head, as: UTF8.self)
        guard status.hasPrefix("HTTP/1.1 101") else {
            client.close()
            throw Failure(description: "upgrade refused: \(status)")
        }
        return client
    }

    /// Closes the TCP connection; with unread data in the receive buffer the kernel resets it.
    func close() {
        guard closed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        systemClose(descriptor)
    }

    // MARK: - wire

    private func setOption(_ option: Int32, _ value: Int32) {
        var value = value
        setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Failure(description: "write() failed: errno \(errno)") }
            offset += written
        }
    }

    /// RFC 6455 §5.2: FIN + text opcode, the masked length, the key, then the payload XORed with the key.
    private static func appendFrame(_ payload: [UInt8], to bytes: inout [UInt8]) {
        bytes.append(0x81)
        let count = payload.count
        if count < 126 {
            bytes.append(0x80 | UInt8(count))
        } else if count <= 0xFFFF {
            bytes.append(0x80 | 126)
            bytes.append(contentsOf: [UInt8(count >> 8), UInt8(count & 0xFF)])
        } else {
            bytes.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((count >> shift) & 0xFF)) }
        }
        let key = (0..<4).map { _ in UInt8.random(in: 0...255) }
        bytes.append(contentsOf: key)
        for (index, byte) in payload.enumerated() { bytes.append(byte ^ key[index % 4]) }
    }
}

/// Runs blocking work on a new thread and resumes the caller when it is done.
private func offCooperativePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
