/// Builds SmartStream binary tick frames, the exact inverse of `SmartStreamDecoder`: what the fake SmartStream server
/// in the test support sends, and what the decoder benchmark feeds on.
public enum SmartStreamEncoder {
    public static func encode(_ packet: SmartStreamPacket) -> [UInt8] {
        var frame = FrameWriter(length: packet.mode.frameLength)
        frame.bytes[0] = packet.mode.rawValue
        frame.bytes[1] = packet.exchangeType
        for (index, byte) in packet.token.utf8.prefix(SmartStreamDecoder.tokenLength - 1).enumerated() {
            frame.bytes[2 + index] = byte
        }
        frame.put(packet.exchangeTimestamp, at: 35)
        if packet.mode == .depth {
            for (index, level) in (packet.depthBuy ?? []).prefix(20).enumerated() { frame.put(level, at: 43 + 10 * index) }
            for (index, level) in (packet.depthSell ?? []).prefix(20).enumerated() { frame.put(level, at: 243 + 10 * index) }
            return frame.bytes
        }
        frame.put(packet.sequenceNumber ?? 0, at: 27)
        frame.put(packet.lastTradedPrice ?? 0, at: 43)
        if packet.mode != .ltp, let quote = packet.quote {
            frame.put(quote.lastTradedQuantity, at: 51)
            frame.put(quote.averageTradedPrice, at: 59)
            frame.put(quote.volume, at: 67)
            frame.put(quote.totalBuyQuantity.bitPattern, at: 75)
            frame.put(quote.totalSellQuantity.bitPattern, at: 83)
            frame.put(quote.open, at: 91)
            frame.put(quote.high, at: 99)
            frame.put(quote.low, at: 107)
            frame.put(quote.close, at: 115)
        }
        if packet.mode == .snapQuote, let snap = packet.snapQuote {
            frame.put(snap.lastTradedTimestamp, at: 123)
            frame.put(snap.openInterest, at: 131)
            frame.put(snap.openInterestChange.bitPattern, at: 139)
            for (index, level) in (snap.bestFiveBuy + snap.bestFiveSell).prefix(10).enumerated() {
                frame.put(level, at: 147 + 20 * index)
            }
            frame.put(snap.upperCircuit, at: 347)
            frame.put(snap.lowerCircuit, at: 355)
            frame.put(snap.yearHigh, at: 363)
            frame.put(snap.yearLow, at: 371)
        }
        return frame.bytes
    }
}

/// Little-endian writes into a zeroed frame.
private struct FrameWriter {
    var bytes: [UInt8]

    init(length: Int) { bytes = [UInt8](repeating: 0, count: length) }

    mutating func put<Value: FixedWidthInteger>(_ value: Value, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (index, byte) in raw.enumerated() { bytes[offset + index] = byte }
        }
    }

    mutating func put(_ level: SmartStreamPacket.BestFiveLevel, at offset: Int) {
        put(level.flag, at: offset)
        put(level.quantity, at: offset + 2)
        put(level.price, at: offset + 10)
        put(level.orders, at: offset + 18)
    }

    mutating func put(_ level: SmartStreamPacket.DepthLevel, at offset: Int) {
        put(level.quantity, at: offset)
        put(level.price, at: offset + 4)
        put(level.orders, at: offset + 8)
    }
}
