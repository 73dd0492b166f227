import AngelOne
import Foundation
import Testing

/// The golden packets next to the package (`../shared/reference/smartstream-golden/`), if this checkout has them:
/// frames built from the documented layout, each beside what Angel One's official SDK parsed from it.
private let goldenDirectory: URL = URL(fileURLWithPath: #filePath)
    .resolvingSymlinksInPath()
    .deletingLastPathComponent()  // AngelOneTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root
    .appendingPathComponent("../shared/reference/smartstream-golden")
    .standardizedFileURL

private let goldenAvailable = FileManager.default.fileExists(atPath: goldenDirectory.appendingPathComponent("ltp.bin").path)

/// A golden frame and the SDK's reading of it.
private func golden(_ name: String) throws -> (frame: [UInt8], sdk: [String: Any]) {
    let frame = try [UInt8](Data(contentsOf: goldenDirectory.appendingPathComponent("\(name).bin")))
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: goldenDirectory.appendingPathComponent("\(name).sdk.json")))
    return (frame, try #require(json as? [String: Any]))
}

private func int(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }

@Suite("SmartStream: binary tick frames decode exactly")
struct SmartStreamDecoderTests {
    /// The LTP frame printed in the protocol reference (§2.2): NSE cash token 3045 at ₹812.35.
    static let documentedLTP: [UInt8] = [0x01, 0x01, 0x33, 0x30, 0x34, 0x35] + [UInt8](repeating: 0, count: 21)
        + [0x15, 0xCD, 0x5B, 0x07, 0, 0, 0, 0] + [0x93, 0x98, 0xC7, 0x00, 0x90, 0x01, 0, 0]
        + [0x53, 0x3D, 0x01, 0, 0, 0, 0, 0]

    @Test("the documented LTP frame: token, sequence, time and price, paise exact")
    func documentedFrame() throws {
        let packet = try SmartStreamDecoder.decode(Self.documentedLTP)
        #expect(packet == SmartStreamPacket(mode: .ltp, exchangeType: 1, token: "3045", sequenceNumber: 123_456_789,
                                            exchangeTimestamp: 1_717_999_999_123, lastTradedPrice: 81_235))
        #expect(packet.priceDivisor == 100)
    }

    @Test(.enabled(if: goldenAvailable, "../shared/reference/smartstream-golden not found next to the package"))
    func goldenLTPAndQuote() throws {
        for name in ["ltp", "quote"] {
            let (frame, sdk) = try golden(name)
            let packet = try SmartStreamDecoder.decode(frame)
            #expect(Int64(packet.mode.rawValue) == int(sdk["subscription_mode"]))
            #expect(packet.mode.description == sdk["subscription_mode_val"] as? String)
            #expect(Int64(packet.exchangeType) == int(sdk["exchange_type"]))
            #expect(packet.token == sdk["token"] as? String)
            #expect(packet.sequenceNumber == int(sdk["sequence_number"]))
            #expect(packet.exchangeTimestamp == int(sdk["exchange_timestamp"]))
            #expect(packet.lastTradedPrice == int(sdk["last_traded_price"]))
            #expect(SmartStreamEncoder.encode(packet) == frame, "\(name) re-encodes to the same bytes")
        }
        let (frame, sdk) = try golden("quote")
        let quote = try #require(try SmartStreamDecoder.decode(frame).quote)
        #expect(quote.lastTradedQuantity == int(sdk["last_traded_quantity"]))
        #expect(quote.averageTradedPrice == int(sdk["average_traded_price"]))
        #expect(quote.volume == int(sdk["volume_trade_for_the_day"]))
        #expect(quote.totalBuyQuantity == sdk["total_buy_quantity"] as? Double)
        #expect(quote.totalSellQuantity == sdk["total_sell_quantity"] as? Double)
        #expect(quote.open == int(sdk["open_price_of_the_day"]))
        #expect(quote.high == int(sdk["high_price_of_the_day"]))
        #expect(quote.low == int(sdk["low_price_of_the_day"]))
        #expect(quote.close == int(sdk["closed_price"]))
    }

    @Test(.enabled(if: goldenAvailable, "../shared/reference/smartstream-golden not found next to the package"))
    func goldenSnapQuote() throws {
        let (frame, sdk) = try golden("snap_quote")
        let packet = try SmartStreamDecoder.decode(frame)
        let snap = try #require(packet.snapQuote)
        #expect(packet.mode == .snapQuote && packet.token == sdk["token"] as? String)
        #expect(packet.lastTradedPrice == int(sdk["last_traded_price"]))
        #expect(packet.quote?.close == int(sdk["closed_price"]))
        #expect(snap.lastTradedTimestamp == int(sdk["last_traded_timestamp"]))
        #expect(snap.openInterest == int(sdk["open_interest"]))
        // The SDK prints the float's raw bits as an integer.
        #expect(Int64(bitPattern: snap.openInterestChange.bitPattern) == int(sdk["open_interest_change_percentage"]))
        #expect(snap.upperCircuit == int(sdk["upper_circuit_limit"]))
        #expect(snap.lowerCircuit == int(sdk["lower_circuit_limit"]))
        #expect(snap.yearHigh == int(sdk["52_week_high_price"]))
        #expect(snap.yearLow == int(sdk["52_week_low_price"]))
        for (levels, key) in [(snap.bestFiveBuy, "best_5_buy_data"), (snap.bestFiveSell, "best_5_sell_data")] {
            let expected = try #require(sdk[key] as? [[String: Any]])
            #expect(levels.count == expected.count)
            for (level, row) in zip(levels, expected) {
                #expect(Int64(level.flag) == int(row["flag"]))
                #expect(level.quantity == int(row["quantity"]))
                #expect(level.price == int(row["price"]))
                #expect(Int64(level.orders) == int(row["no of orders"]))
            }
        }
        #expect(SmartStreamEncoder.encode(packet) == frame)
    }

    @Test(.enabled(if: goldenAvailable, "../shared/reference/smartstream-golden not found next to the package"))
    func goldenDepth() throws {
        let (frame, sdk) = try golden("depth20")
        let packet = try SmartStreamDecoder.decode(frame)
        #expect(packet.mode == .depth && packet.token == sdk["token"] as? String)
        #expect(packet.sequenceNumber == nil && packet.lastTradedPrice == nil)
        #expect(packet.exchangeTimestamp == int(sdk["packet_received_time"]))
        for (levels, key) in [(packet.depthBuy, "depth_20_buy_data"), (packet.depthSell, "depth_20_sell_data")] {
            let expected = try #require(sdk[key] as? [[String: Any]])
            let levels = try #require(levels)
            #expect(levels.count == 20 && expected.count == 20)
            for (level, row) in zip(levels, expected) {
                #expect(Int64(level.quantity) == int(row["quantity"]))
                #expect(Int64(level.price) == int(row["price"]))
                #expect(Int64(level.orders) == int(row["num_of_orders"]))
            }
        }
        #expect(SmartStreamEncoder.encode(packet) == frame)
    }

    @Test("every mode round-trips through the encoder", arguments: SmartStreamMode.allCases)
    func roundTrip(mode: SmartStreamMode) throws {
        let packet = Self.sample(mode)
        let frame = SmartStreamEncoder.encode(packet)
        #expect(frame.count == mode.frameLength)
        #expect(try SmartStreamDecoder.decode(frame) == packet)
        // Bytes past the layout are ignored.
        #expect(try SmartStreamDecoder.decode(frame + [0xFF, 0xFF]) == packet)
    }

    @Test("a frame cut short anywhere is refused as truncated", arguments: SmartStreamMode.allCases)
    func truncated(mode: SmartStreamMode) {
        let frame = SmartStreamEncoder.encode(Self.sample(mode))
        for length in 1..<frame.count {
            #expect(throws: SmartStreamFrameError.self) { try SmartStreamDecoder.decode(Array(frame.prefix(length))) }
            #expect(Self.reason(Array(frame.prefix(length))) == .truncated)
        }
    }

    @Test("empty frames, unknown modes and unreadable tokens are refused with their reason")
    func refused() {
        #expect(Self.reason([]) == .empty)
        for mode: UInt8 in [0, 5, 9, 255] {
            #expect(Self.reason([mode] + [UInt8](repeating: 0x31, count: 500)) == .unknownMode)
        }
        var frame = SmartStreamEncoder.encode(Self.sample(.ltp))
        for index in 2..<27 { frame[index] = 0 }
        #expect(Self.reason(frame) == .badToken)
        frame[2] = 0x07 // a control character
        #expect(Self.reason(frame) == .badToken)
    }

    @Test("random bytes never crash the decoder: a packet or a reason, nothing else")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...500, using: &generator)
            var frame = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !frame.isEmpty { frame[0] = UInt8.random(in: 0...5, using: &generator) }
            do {
                let packet = try SmartStreamDecoder.decode(frame)
                #expect(frame.count >= packet.mode.frameLength)
            } catch {
                #expect(SmartStreamFrameError.Reason.allCases.contains(error.reason))
            }
        }
    }

    @Test("currency derivatives count prices in 1/10,000,000 of a rupee")
    func currencyDivisor() throws {
        var packet = Self.sample(.ltp)
        packet.exchangeType = 13
        #expect(try SmartStreamDecoder.decode(SmartStreamEncoder.encode(packet)).priceDivisor == 10_000_000)
    }

    private static func reason(_ frame: [UInt8]) -> SmartStreamFrameError.Reason? {
        do {
            _ = try SmartStreamDecoder.decode(frame)
            return nil
        } catch {
            return error.reason
        }
    }

    /// A packet of `mode` with every field set to a distinct value, negative and large ones included.
    static func sample(_ mode: SmartStreamMode) -> SmartStreamPacket {
        if mode == .depth {
            return SmartStreamPacket(
                mode: .depth, exchangeType: 1, token: "2885", sequenceNumber: nil, exchangeTimestamp: 1_735_000_000_001,
                lastTradedPrice: nil, depthBuy: (0..<20).map(buyDepth), depthSell: (0..<20).map(sellDepth))
        }
        var packet = SmartStreamPacket(mode: mode, exchangeType: 3, token: "500325", sequenceNumber: -7,
                                       exchangeTimestamp: 1_735_000_000_123, lastTradedPrice: 286_315)
        guard mode != .ltp else { return packet }
        packet.quote = SmartStreamPacket.Quote(
            lastTradedQuantity: 12, averageTradedPrice: 286_121, volume: Int64.max - 1, totalBuyQuantity: 33_072.5,
            totalSellQuantity: -0.25, open: 285_105, high: 287_390, low: 284_805, close: 285_075)
        guard mode == .snapQuote else { return packet }
        packet.snapQuote = SmartStreamPacket.SnapQuote(
            lastTradedTimestamp: 1_735_000_000, openInterest: 3_118_800, openInterestChange: 2.5,
            bestFiveBuy: (0..<5).map(bestBuy), bestFiveSell: (0..<5).map(bestSell),
            upperCircuit: 73_165, lowerCircuit: 5, yearHigh: 72_990, yearLow: 0)
        return packet
    }

    private static func buyDepth(_ level: Int) -> SmartStreamPacket.DepthLevel {
        SmartStreamPacket.DepthLevel(quantity: Int32(100 + level), price: Int32(250_000 - 5 * level), orders: Int16(level))
    }

    private static func sellDepth(_ level: Int) -> SmartStreamPacket.DepthLevel {
        SmartStreamPacket.DepthLevel(quantity: Int32(900 + level), price: Int32(250_005 + 5 * level), orders: Int16(-level))
    }

    private static func bestBuy(_ level: Int) -> SmartStreamPacket.BestFiveLevel {
        SmartStreamPacket.BestFiveLevel(flag: 1, quantity: Int64(450 - level), price: Int64(25_815 - 5 * level), orders: 3)
    }

    private static func bestSell(_ level: Int) -> SmartStreamPacket.BestFiveLevel {
        SmartStreamPacket.BestFiveLevel(flag: 0, quantity: Int64(300 + level), price: Int64(25_820 + 5 * level), orders: 2)
    }
}
