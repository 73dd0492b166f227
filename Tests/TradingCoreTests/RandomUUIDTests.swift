import Foundation
import Testing
import TradingCore

@Suite("UUID.random: version 4 identifiers from the system's random source")
struct RandomUUIDTests {
    @Test("version 4, RFC 4122 variant, and no repeats in 100,000")
    func wellFormedAndUnique() {
        var seen = Set<UUID>()
        for _ in 0..<100_000 {
            let id = UUID.random()
            let text = Array(id.uuidString)
            #expect(text[14] == "4")
            #expect("89AB".contains(text[19]))
            seen.insert(id)
        }
        #expect(seen.count == 100_000)
    }

    @Test("every other bit varies")
    func bitsVary() {
        let ids = (0..<256).map { _ in withUnsafeBytes(of: UUID.random().uuid) { Array($0) } }
        var ones = [Int](repeating: 0, count: 128)
        for bytes in ids {
            for bit in 0..<128 where bytes[bit / 8] & (0x80 >> (bit % 8)) != 0 { ones[bit] += 1 }
        }
        let fixed: Set<Int> = [48, 49, 50, 51, 64, 65] // the version nibble and the variant's two bits
        for bit in 0..<128 where !fixed.contains(bit) {
            #expect((40...216).contains(ones[bit]), "bit \(bit) was set \(ones[bit]) times in 256")
        }
    }
}
