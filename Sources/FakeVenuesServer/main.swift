import AngelOne
import FakeVenues
import TradingCore
import Foundation
import Synchronization
import Vapor

// `fake-venues`: the fake SmartAPI (REST, order-update socket, instrument master), SmartStream and Yahoo chart API
// as one process,
// for black-box tests of the real `stockcart` binary (tests/process). Prints one JSON line with its addresses, then
// serves until killed. A control API under /_fake/ on the SmartAPI port lets a test send ticks and fill, reject or
// list orders, as the exchange would.
//
//   fake-venues --account KEY:CLIENT:PIN:TOTPSECRET … --instrument SYMBOL:TOKEN … [--api-port N] [--stream-port N]

/// The command line, read by hand: a test tool with four options.
struct Options {
    var accounts: [FakeSmartAPI.Account] = []
    var instruments: [FakeSmartAPI.ListedInstrument] = []
    var apiPort = 0
    var streamPort = 0

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments.makeIterator()
        while let flag = rest.next() {
            guard let value = rest.next() else { fail("\(flag) needs a value") }
            switch flag {
            case "--account":
                let parts = value.split(separator: ":", maxSplits: 3).map(String.init)
                guard parts.count == 4 else { fail("--account is KEY:CLIENT:PIN:TOTPSECRET") }
                options.accounts.append(.init(apiKey: parts[0], clientCode: parts[1], pin: parts[2], totpSecret: parts[3]))
            case "--instrument":
                let parts = value.split(separator: ":").map(String.init)
                guard parts.count == 2 else { fail("--instrument is SYMBOL:TOKEN") }
                options.instruments.append(.init(symbol: parts[0], token: parts[1]))
            case "--api-port": options.apiPort = Int(value) ?? 0
            case "--stream-port": options.streamPort = Int(value) ?? 0
            default: fail("unknown option \(flag)")
            }
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("fake-venues: \(message)\n".utf8))
        exit(2)
    }
}

/// The stream fake, started after the REST fake it takes its sessions from, for the control routes to reach.
final class StreamSlot: Sendable {
    let stream = Mutex<FakeSmartStream?>(nil)
}

/// `/_fake/…`: what the exchange and the test do to the venues.
func controlRoutes(_ app: Application, _ api: FakeSmartAPI, _ slot: StreamSlot) {
    let control = app.grouped("_fake")
    struct Tick: Content { var token: String; var pricePaise: Int64 }
    control.post("tick") { request async throws -> HTTPStatus in
        let tick = try request.content.decode(Tick.self, using: snakeCase)
        var packet = SmartStreamPacket(mode: .quote, exchangeType: 1, token: tick.token, sequenceNumber: 1,
                                       exchangeTimestamp: Int64(Date().timeIntervalSince1970 * 1_000),
                                       lastTradedPrice: tick.pricePaise)
        packet.quote = .init(lastTradedQuantity: 1, averageTradedPrice: tick.pricePaise, volume: 1_000,
                             totalBuyQuantity: 1, totalSellQuantity: 1, open: tick.pricePaise, high: tick.pricePaise,
                             low: tick.pricePaise, close: tick.pricePaise)
        guard let stream = slot.stream.withLock({ $0 }) else { throw Abort(.serviceUnavailable) }
        stream.broadcast(SmartStreamEncoder.encode(packet))
        return .noContent
    }
    struct Fill: Content { var orderId: String; var pricePaise: Int64; var size: Int64? }
    control.post("fill") { request async throws -> HTTPStatus in
        let fill = try request.content.decode(Fill.self, using: snakeCase)
        api.desk.fill(fill.orderId, paise: fill.pricePaise, size: fill.size)
        return .noContent
    }
    struct Reject: Content { var orderId: String; var reason: String }
    control.post("reject") { request async throws -> HTTPStatus in
        let reject = try request.content.decode(Reject.self, using: snakeCase)
        api.desk.reject(reject.orderId, reason: reject.reason)
        return .noContent
    }
    control.get("orders") { _ async -> Response in
        let rows: [[String: Any]] = api.desk.orders.map { order in
            ["order_id": order.orderID, "client_code": order.clientCode, "tag": order.tag,
             "trading_symbol": order.tradingSymbol, "side": order.side, "order_type": order.orderType,
             "quantity": order.quantity, "price": order.price, "status": order.status, "filled": order.filled]
        }
        return FakeSmartAPI.json(["orders": rows])
    }
    control.get("stats") { _ async -> Response in
        let stream = slot.stream.withLock { $0 }
        return FakeSmartAPI.json(["login_attempts": api.loginAttempts,
                                  "stream_subscriptions": stream?.subscriptions.count ?? 0,
                                  "stream_connections": stream?.openConnections ?? 0,
                                  "order_sockets": api.desk.openSockets])
    }
}

/// Yahoo's answer for each instrument: five daily bars before today (stamped 09:15 IST as Yahoo stamps them, with
/// its float artefacts) and a latest price now. For the k-th instrument and the i-th bar, open = 1000 + 10k + i,
/// high = open + 5.550048828125, low = open − 4.949951171875, close = open + 1.25, volume = 1000 (i + 1): a test
/// computes the same bars, rounded to ₹0.05, and compares them with the server's charts.
func yahooSeries(_ instruments: [FakeSmartAPI.ListedInstrument]) -> [String: FakeYahoo.Series] {
    let now = Date()
    let todayOpen = CandleInterval.oneDay.bucketStart(for: now).addingTimeInterval(9 * 3_600 + 15 * 60)
    var series: [String: FakeYahoo.Series] = [:]
    for (k, instrument) in instruments.enumerated() {
        let daily = (0..<5).map { i -> (time: Date, open: Double?, high: Double?, low: Double?, close: Double?, volume: Double?) in
            let open = 1_000.0 + 10 * Double(k) + Double(i)
            return (todayOpen.addingTimeInterval(-Double(5 - i) * 86_400), open, open + 5.550048828125,
                    open - 4.949951171875, open + 1.25, 1_000 * Double(i + 1))
        }
        series[instrument.symbol] = FakeYahoo.Series(daily: daily, minutes: [], lastPrice: 1_000.0 + 10 * Double(k) + 6,
                                                     lastPriceTime: now)
    }
    return series
}

let snakeCase: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
}()

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let slot = StreamSlot()
let api = try await FakeSmartAPI.start(accounts: options.accounts, loginInterval: 1, instruments: options.instruments,
                                       port: options.apiPort, extraRoutes: { app, api in controlRoutes(app, api, slot) })
let stream = try await FakeSmartStream.start(sessionsOf: api, port: options.streamPort)
slot.stream.withLock { $0 = stream }
let yahoo = try await FakeYahoo.start(series: yahooSeries(options.instruments))
let addresses = ["api_url": api.baseURL, "stream_url": stream.url, "order_stream_url": api.orderStreamURL,
                 "instruments_url": api.instrumentsURL, "control_url": api.baseURL + "/_fake",
                 "yahoo_url": yahoo.baseURL]
let line = String(data: try JSONSerialization.data(withJSONObject: addresses, options: [.sortedKeys]), encoding: .utf8)!
// Written straight to the file descriptor: a test reads this line before the process ends, so it cannot wait in a buffer.
FileHandle.standardOutput.write(Data((line + "\n").utf8))
while true { try await Task.sleep(for: .seconds(3_600)) }
