// The load generator of `make bench-ws`: many WebSocket clients of a running StockCart server, over loopback.
//
//   ws-bench prices --url ws://127.0.0.1:PORT/api/ws --tokens FILE --symbols A,B,… [--batch true|false]
//                   [--clients 1000] [--warmup 5] [--seconds 30]
//       Every client subscribes to the symbols (with `"batch": true`, as the web UI does, the prices of a round come in
//       one frame) and counts the prices it receives in the measured window, with the delay from each quote's time
//       (`time_ms`) to its receipt. Prints one JSON object.
//   ws-bench hold --url … --tokens FILE --clients 10000 [--seconds 20]
//       Opens that many authenticated sockets and keeps them open (reading whatever comes), so the server's memory
//       can be read with them all connected. Prints one JSON object when they are all up, then holds.
//
// The clients run on one event-loop thread and leave the other core to the server. A generator that cannot keep up
// would report late deliveries that are its own: it measures how late its own timer fires (`generator_lag_ms`) and
// how busy its thread is (`generator_cpu`), so a saturated run shows as such.
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Vapor
import WebSocketKit

@main
struct WebSocketBench {
    static func main() async throws {
        let options = try Options(CommandLine.arguments.dropFirst())
        let tokens = try String(contentsOfFile: options.tokensFile, encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        guard !tokens.isEmpty else { throw BenchError("no tokens in \(options.tokensFile)") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let stats = Stats()

        let started = ContinuousClock.now
        let subscription = options.symbols.isEmpty ? nil : #"{"type":"subscribe","symbols":["#
            + options.symbols.map { "\"\($0)\"" }.joined(separator: ",") + "]" + (options.batch ? #","batch":true}"# : "}")
        let clients = try await connect(options.clients, url: options.url, tokens: tokens, loop: loop,
                                        subscription: subscription, stats: stats)
        let connectSeconds = seconds(ContinuousClock.now - started)
        log("\(clients.count) clients connected in \(String(format: "%.1f", connectSeconds)) s")

        switch options.mode {
        case .hold:
            // One line, flushed at once: the bench reads it while the sockets are held open.
            FileHandle.standardOutput.write(Data((json(["mode": "hold", "clients": clients.count,
                                                        "connect_seconds": connectSeconds]) + "\n").utf8))
            try await Task.sleep(for: .seconds(options.seconds))
        case .prices:
            try await Task.sleep(for: .seconds(options.warmup))
            let lag = LagProbe(loop: loop)
            let cpuBefore = threadCPUSeconds()
            try await loop.submit { stats.startWindow() }.get()
            let windowStart = ContinuousClock.now
            try await Task.sleep(for: .seconds(options.seconds))
            let summary = try await loop.submit { stats.endWindow() }.get()
            let window = seconds(ContinuousClock.now - windowStart)
            let cpu = (threadCPUSeconds() - cpuBefore) / window
            let worstLag = try await loop.submit { lag.worstMilliseconds }.get()
            lag.stop()
            // Delivery is counted over the whole run, not the window (the server's counters and the window would
            // never start on the same frame): stop the prices, let the frames in flight arrive, then count.
            let unsubscribe = subscription?.replacingOccurrences(of: #""type":"subscribe""#,
                                                                 with: #""type":"unsubscribe""#)
            if let unsubscribe { for client in clients { try await client.send(unsubscribe) } }
            try await Task.sleep(for: .seconds(2))
            let received = try await loop.submit { stats.total }.get()
            var result: [String: Any] = [
                "mode": "prices", "clients": clients.count, "window_seconds": window,
                "messages": summary.messages, "messages_per_second": Double(summary.messages) / window,
                "latency_p50_ms": summary.percentile(0.50), "latency_p99_ms": summary.percentile(0.99),
                "latency_max_ms": summary.maximum, "closed_during_run": summary.closed,
                "delivery_p50_ms": summary.deliveryPercentile(0.50), "delivery_p99_ms": summary.deliveryPercentile(0.99),
                "generator_cpu": cpu, "generator_lag_ms": worstLag, "received_total": received,
            ]
            result["per_client_min"] = summary.perClientMinimum
            print(json(result))
        }
        for client in clients { _ = try? await client.close(code: .normalClosure).get() }
        try await group.shutdownGracefully()
    }

    // MARK: - clients

    static func connect(_ count: Int, url: String, tokens: [String], loop: any EventLoop, subscription: String?,
                        stats: Stats) async throws -> [WebSocket] {
        var sockets: [WebSocket] = []
        sockets.reserveCapacity(count)
        let batch = 100
        var next = 0
        while next < count {
            let upper = min(count, next + batch)
            let opened = try await withThrowingTaskGroup(of: WebSocket.self) { group in
                for index in next..<upper {
                    let token = tokens[index % tokens.count]
                    group.addTask {
                        try await open(url: "\(url)?token=\(token)", loop: loop, index: index,
                                       subscription: subscription, stats: stats)
                    }
                }
                return try await group.reduce(into: [WebSocket]()) { $0.append($1) }
            }
            sockets += opened
            next = upper
        }
        return sockets
    }

    static func open(url: String, loop: any EventLoop, index: Int, subscription: String?, stats: Stats) async throws
        -> WebSocket {
        let welcomed = loop.makePromise(of: WebSocket.self)
        try await WebSocket.connect(to: url, configuration: .init(maxFrameSize: 1 << 20), on: loop) { socket in
            socket.onText { socket, text in
                if stats.receive(text, client: index) == .welcome {
                    if let subscription { socket.send(subscription) }
                    welcomed.succeed(socket)
                }
            }
            socket.onClose.whenComplete { _ in stats.closed(client: index) }
        }.get()
        return try await welcomed.futureResult.get()
    }

}

// MARK: - measuring

/// What the clients received. Touched only on the generator's one event loop.
final class Stats: @unchecked Sendable {
    enum Kind { case welcome, price, other }

    private var measuring = false
    /// Prices received since the clients connected, measuring or not.
    private(set) var total = 0
    private var messages = 0
    private var perClient: [Int: Int] = [:]
    /// Delays in tenths of a millisecond, as counts per bucket (up to 10 s; later ones land in the last bucket):
    /// from each quote's time, and (for batches, which carry `sent_ms`) from when the server built the frame.
    private var histogram = [Int](repeating: 0, count: 100_001)
    private var delivery = [Int](repeating: 0, count: 100_001)
    private var maximum = 0.0
    private var closedCount = 0

    func receive(_ text: String, client: Int) -> Kind {
        var text = text
        return text.withUTF8 { bytes in classify(bytes, client: client) }
    }

    private func classify(_ bytes: UnsafeBufferPointer<UInt8>, client: Int) -> Kind {
        // A `prices` batch carries many entries, a `price` message one: each entry has its `time_ms`.
        guard Self.find(Self.priceMarker, in: bytes) != nil else {
            return Self.find(Self.welcomeMarker, in: bytes) != nil ? .welcome : .other
        }
        guard measuring else {
            var from = 0
            while let (_, end) = Self.number(after: Self.timeMarker, in: bytes, from: from) {
                total += 1
                from = end
            }
            return .price
        }
        let now = Date().timeIntervalSince1970 * 1_000
        let built = Self.number(after: Self.sentMarker, in: bytes, from: 0).map { max(0, now - Double($0.0)) }
        var from = 0
        while let (quoted, end) = Self.number(after: Self.timeMarker, in: bytes, from: from) {
            messages += 1
            total += 1
            perClient[client, default: 0] += 1
            let delay = max(0, now - Double(quoted))
            maximum = max(maximum, delay)
            histogram[min(histogram.count - 1, Int(delay * 10))] += 1
            if let built { delivery[min(delivery.count - 1, Int(built * 10))] += 1 }
            from = end
        }
        return .price
    }

    func closed(client: Int) { closedCount += 1 }

    func startWindow() {
        measuring = true
        messages = 0
        perClient = [:]
        histogram = [Int](repeating: 0, count: histogram.count)
        delivery = [Int](repeating: 0, count: delivery.count)
        maximum = 0
    }

    struct Summary {
        let messages: Int
        let histogram: [Int]
        let delivery: [Int]
        let maximum: Double
        let closed: Int
        let perClientMinimum: Int

        func percentile(_ fraction: Double) -> Double { Self.percentile(fraction, of: histogram) }
        func deliveryPercentile(_ fraction: Double) -> Double { Self.percentile(fraction, of: delivery) }

        static func percentile(_ fraction: Double, of histogram: [Int]) -> Double {
            let total = histogram.reduce(0, +)
            guard total > 0 else { return 0 }
            let wanted = Int((Double(total) * fraction).rounded(.up))
            var seen = 0
            for (bucket, count) in histogram.enumerated() {
                seen += count
                if seen >= wanted { return Double(bucket) / 10 }
            }
            return Double(histogram.count - 1) / 10
        }
    }

    func endWindow() -> Summary {
        measuring = false
        return Summary(messages: messages, histogram: histogram, delivery: delivery, maximum: maximum,
                       closed: closedCount,
                       perClientMinimum: perClient.values.min() ?? 0)
    }

    private static let welcomeMarker = Array(#""type":"welcome""#.utf8)
    /// Matches both `"type":"price"` and `"type":"prices"`.
    private static let priceMarker = Array(#""type":"price"#.utf8)
    private static let timeMarker = Array(#""time_ms":"#.utf8)
    private static let sentMarker = Array(#""sent_ms":"#.utf8)

    /// Where `marker` starts in `bytes` at or after `from`: libc's `memchr` (vectorised) to each place the marker's
    /// anchor byte (its `_` or `w`, rarer in JSON than a quote) could match, then `memcmp`, so the generator's scan of
    /// a 7 KB frame costs little beside the server's work to send it.
    private static func find(_ marker: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        guard let base = bytes.baseAddress, !marker.isEmpty else { return nil }
        let anchor = marker.firstIndex(of: UInt8(ascii: "_")) ?? marker.firstIndex(of: UInt8(ascii: "w")) ?? 0
        var index = from + anchor
        while index - anchor + marker.count <= bytes.count {
            guard let hit = memchr(base + index, Int32(marker[anchor]), bytes.count - index) else { return nil }
            let start = (base + index).distance(to: hit.assumingMemoryBound(to: UInt8.self)) + index - anchor
            guard start + marker.count <= bytes.count else { return nil }
            if marker.withUnsafeBytes({ memcmp(base + start, $0.baseAddress!, marker.count) }) == 0 { return start }
            index = start + anchor + 1
        }
        return nil
    }

    /// The integer after the next `marker` at or after `from`, and where it ends.
    private static func number(after marker: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int)
        -> (Int64, Int)? {
        guard var index = find(marker, in: bytes, from: from).map({ $0 + marker.count }) else { return nil }
        var value: Int64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            value = value * 10 + Int64(bytes[index] - 48)
            digits += 1
            index += 1
        }
        return digits > 0 ? (value, index) : nil
    }
}

/// How late a 10 ms timer on the generator's event loop fires: a loop that is busy (saturated) fires it late.
final class LagProbe: Sendable {
    private final class State: @unchecked Sendable {
        // Touched only on the probe's event loop.
        var last = NIODeadline.now()
        var worst = 0.0
    }

    private let state = State()
    private let loop: any EventLoop
    private let task: RepeatedTask

    init(loop: any EventLoop) {
        self.loop = loop
        let interval = TimeAmount.milliseconds(10)
        let state = self.state
        task = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let now = NIODeadline.now()
            state.worst = max(state.worst, Double((now - state.last).nanoseconds) / 1e6 - 10)
            state.last = now
        }
    }

    /// The latest the timer fired, in milliseconds past its due time.
    /// The latest the timer fired, in milliseconds past its due time; read it on the probe's event loop.
    var worstMilliseconds: Double { state.worst }

    func stop() { task.cancel() }
}

// MARK: - plumbing

enum Mode { case prices, hold }

struct Options {
    var mode: Mode = .prices
    var url = ""
    var tokensFile = ""
    var clients = 1_000
    var warmup = 5
    var seconds = 30
    var symbols: [String] = []
    var batch = false

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments.makeIterator()
        guard let mode = rest.next() else { throw BenchError("usage: ws-bench prices|hold --url … --tokens FILE") }
        switch mode {
        case "prices": self.mode = .prices
        case "hold": self.mode = .hold
        default: throw BenchError("unknown mode \(mode)")
        }
        while let flag = rest.next() {
            guard let value = rest.next() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--url": url = value
            case "--tokens": tokensFile = value
            case "--clients": clients = Int(value) ?? clients
            case "--warmup": warmup = Int(value) ?? warmup
            case "--seconds": seconds = Int(value) ?? seconds
            case "--symbols": symbols = value.split(separator: ",").map(String.init)
            case "--batch": batch = value == "true"
            default: throw BenchError("unknown option \(flag)")
            }
        }
        guard !url.isEmpty, !tokensFile.isEmpty else { throw BenchError("--url and --tokens are required") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func log(_ message: String) { FileHandle.standardError.write(Data("[ws-bench] \(message)\n".utf8)) }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// CPU time of the whole process (the generator is one event-loop thread plus an idle main task).
func threadCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

func json(_ object: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
}
