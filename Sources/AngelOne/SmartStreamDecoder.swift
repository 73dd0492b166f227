/// Decodes SmartStream 2.0 binary tick frames: little-endian fields at fixed offsets, the layout fixed by the mode in
/// the first byte (`../shared/reference/protocols.md` §2.2).
///
/// It reads straight from the frame's bytes, allocating only for the levels of SNAP_QUOTE and DEPTH frames (a token
/// of up to 15 bytes is a small string), so the feed can decode frames as fast as they arrive. A frame shorter than
/// its mode's layout is refused as `truncated`; bytes beyond it are ignored.
public enum SmartStreamDecoder {
    /// Bytes in the NUL-padded token field.
    static let tokenLength = 25

    public static func decode(_ frame: [UInt8]) throws(SmartStreamFrameError) -> SmartStreamPacket {
        let result: Result<SmartStreamPacket, SmartStreamFrameError> = frame.withUnsafeBytes { bytes in
            Result { () throws(SmartStreamFrameError) in try decode(bytes) }
        }
        return try result.get()
    }

    public static func decode(_ frame: UnsafeRawBufferPointer) throws(SmartStreamFrameError) -> SmartStreamPacket {
        guard let first = frame.first else { throw SmartStreamFrameError(.empty, "an empty binary frame") }
        guard let mode = SmartStreamMode(rawValue: first) else {
            throw SmartStreamFrameError(.unknownMode, "subscription mode \(first)")
        }
        guard frame.count >= mode.frameLength else {
            throw SmartStreamFrameError(.truncated, "\(mode) frame of \(frame.count) bytes, expected \(mode.frameLength)")
        }
        let reader = FrameReader(bytes: frame)
        let exchangeType = frame[1]
        let token = try reader.token(at: 2, length: tokenLength)
        if mode == .depth {
            return SmartStreamPacket(
                mode: mode, exchangeType: exchangeType, token: token, sequenceNumber: nil,
                exchangeTimestamp: reader.int64(at: 35), lastTradedPrice: nil,
                depthBuy: (0..<20).map { reader.depthLevel(at: 43 + 10 * $0) },
                depthSell: (0..<20).map { reader.depthLevel(at: 243 + 10 * $0) })
        }
        var packet = SmartStreamPacket(
            mode: mode, exchangeType: exchangeType, token: token, sequenceNumber: reader.int64(at: 27),
            exchangeTimestamp: reader.int64(at: 35), lastTradedPrice: reader.int64(at: 43))
        guard mode != .ltp else { return packet }
        packet.quote = SmartStreamPacket.Quote(
            lastTradedQuantity: reader.int64(at: 51), averageTradedPrice: reader.int64(at: 59),
            volume: reader.int64(at: 67), totalBuyQuantity: reader.double(at: 75),
            totalSellQuantity: reader.double(at: 83), open: reader.int64(at: 91), high: reader.int64(at: 99),
            low: reader.int64(at: 107), close: reader.int64(at: 115))
        guard mode == .snapQuote else { return packet }
        let levels = (0..<10).map { reader.bestFiveLevel(at: 147 + 20 * $0) }
        packet.snapQuote = SmartStreamPacket.SnapQuote(
            lastTradedTimestamp: reader.int64(at: 123), openInterest: reader.int64(at: 131),
            openInterestChange: reader.double(at: 139),
            // As the official SDK does: a level's flag, not its position, says which side it is on.
            bestFiveBuy: levels.filter { $0.flag == 1 }, bestFiveSell: levels.filter { $0.flag != 1 },
            upperCircuit: reader.int64(at: 347), lowerCircuit: reader.int64(at: 355),
            yearHigh: reader.int64(at: 363), yearLow: reader.int64(at: 371))
        return packet
    }
}

/// Little-endian reads at byte offsets the caller has checked against the frame's length.
private struct FrameReader {
    let bytes: UnsafeRawBufferPointer

    func int64(at offset: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)) }
    func int32(at offset: Int) -> Int32 { Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
    func int16(at offset: Int) -> Int16 { Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self)) }
    func double(at offset: Int) -> Double {
        Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }

    /// The token: printable ASCII up to the first NUL.
    func token(at offset: Int, length: Int) throws(SmartStreamFrameError) -> String {
        let field = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        let end = field.firstIndex(of: 0) ?? length
        guard end > 0 else { throw SmartStreamFrameError(.badToken, "an empty token") }
        let text = UnsafeRawBufferPointer(rebasing: field[0..<end])
        guard text.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw SmartStreamFrameError(.badToken, "a token that is not printable ASCII")
        }
        return String(decoding: text, as: UTF8.self)
    }

    func bestFiveLevel(at offset: Int) -> SmartStreamPacket.BestFiveLevel {
        SmartStreamPacket.BestFiveLevel(flag: int16(at: offset), quantity: int64(at: offset + 2),
                                        price: int64(at: offset + 10), orders: int16(at: offset + 18))
    }

    func depthLevel(at offset: Int) -> SmartStreamPacket.DepthLevel {
        SmartStreamPacket.DepthLevel(quantity: int32(at: offset), price: int32(at: offset + 4),
                                     orders: int16(at: offset + 8))
    }
}
