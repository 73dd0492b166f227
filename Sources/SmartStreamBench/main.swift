// SmartStream decoder throughput: how many binary tick frames one core decodes per second, per mode.
//
//     swift build -c release --product smartstream-bench && .build/release/smartstream-bench [--seconds 2]
//
// The frames are the golden packets of ../shared/reference/smartstream-golden when this checkout has them, else
// frames of the same layout built by SmartStreamEncoder. Each mode decodes a ring of 1,024 copies with the sequence
// number varied, so no two consecutive frames are identical, and every decoded price feeds a checksum the optimiser
// cannot drop. A live feed of all NSE cash instruments peaks at a few thousand ticks a second.
import AngelOne
import Foundation

let arguments = CommandLine.arguments
let seconds = arguments.firstIndex(of: "--seconds").flatMap { Double(arguments[$0 + 1]) } ?? 2
let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("../shared/reference/smartstream-golden").standardizedFileURL

func frame(_ mode: SmartStreamMode, golden name: String) -> (bytes: [UInt8], source: String) {
    if let data = try? Data(contentsOf: golden.appendingPathComponent("\(name).bin")) { return ([UInt8](data), "golden") }
    var packet = SmartStreamPacket(mode: mode, exchangeType: 1, token: "2885", sequenceNumber: 1,
                                   exchangeTimestamp: 1_735_000_000_000, lastTradedPrice: 250_005)
    if mode != .ltp && mode != .depth {
        packet.quote = .init(lastTradedQuantity: 1, averageTradedPrice: 250_000, volume: 1_000_000,
                             totalBuyQuantity: 5_000, totalSellQuantity: 6_000, open: 249_000, high: 251_000,
                             low: 248_500, close: 249_500)
    }
    if mode == .snapQuote {
        let level = SmartStreamPacket.BestFiveLevel(flag: 1, quantity: 10, price: 250_000, orders: 1)
        packet.snapQuote = .init(lastTradedTimestamp: 1_735_000_000, openInterest: 0, openInterestChange: 0,
                                 bestFiveBuy: Array(repeating: level, count: 5), bestFiveSell: Array(repeating: level, count: 5),
                                 upperCircuit: 275_000, lowerCircuit: 225_000, yearHigh: 300_000, yearLow: 200_000)
    }
    if mode == .depth {
        packet = SmartStreamPacket(mode: .depth, exchangeType: 1, token: "2885", sequenceNumber: nil,
                                   exchangeTimestamp: 1_735_000_000_000, lastTradedPrice: nil,
                                   depthBuy: Array(repeating: .init(quantity: 1, price: 250_000, orders: 1), count: 20),
                                   depthSell: Array(repeating: .init(quantity: 1, price: 250_005, orders: 1), count: 20))
    }
    return (SmartStreamEncoder.encode(packet), "built")
}

print("SmartStream decoder, one core, \(seconds) s per mode")
print("mode        frame   source   frames/s        ns/frame")
for (mode, name) in [(SmartStreamMode.ltp, "ltp"), (.quote, "quote"), (.snapQuote, "snap_quote"), (.depth, "depth20")] {
    let (template, source) = frame(mode, golden: name)
    let ring: [[UInt8]] = (0..<1_024).map { index in
        var bytes = template
        if mode != .depth { bytes[27] = UInt8(truncatingIfNeeded: index) }
        return bytes
    }
    var checksum: Int64 = 0
    var decoded = 0
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start + .milliseconds(Int(seconds * 1_000))
    while clock.now < deadline {
        for bytes in ring {
            do {
                let packet = try SmartStreamDecoder.decode(bytes)
                checksum &+= packet.lastTradedPrice ?? Int64(packet.depthBuy?.count ?? 0)
            } catch {
                fatalError("a benchmark frame failed to decode: \(error)")
            }
        }
        decoded += ring.count
    }
    let elapsed = (clock.now - start) / .seconds(1)
    let rate = Double(decoded) / elapsed
    func padded(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
    let figures = String(format: "%5d   %@ %12.0f   %10.1f", template.count, padded(source, 7), rate, 1e9 / rate)
    print(padded(mode.description, 11) + " " + figures + (checksum == 42 ? " " : ""))
}
