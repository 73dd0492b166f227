import MarketData
import Testing

@Suite("SeededGenerator")
struct SeededGeneratorTests {
    @Test func sameSeedReplaysAndDifferentSeedsDiverge() {
        var first = SeededGenerator(seed: 2025)
        var second = SeededGenerator(seed: 2025)
        var other = SeededGenerator(seed: 2026)
        let a = (0..<100).map { _ in first.next() }
        let b = (0..<100).map { _ in second.next() }
        let c = (0..<100).map { _ in other.next() }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func zeroSeedIsUsable() {
        var generator = SeededGenerator(seed: 0)
        let values = Set((0..<1_000).map { _ in generator.next() })
        #expect(values.count == 1_000)
    }

    @Test func unitIntervalsStayInRange() {
        var generator = SeededGenerator(seed: 9)
        for _ in 0..<10_000 {
            #expect((0..<1).contains(generator.nextUnitInterval()))
            let positive = generator.nextPositiveUnitInterval()
            #expect(positive > 0 && positive <= 1)
        }
    }

    @Test func standardNormalHasUnitMoments() {
        var generator = SeededGenerator(seed: 11)
        let count = 200_000
        var sum = 0.0
        var sumOfSquares = 0.0
        var beyondTwo = 0
        for _ in 0..<count {
            let value = generator.nextStandardNormal()
            sum += value
            sumOfSquares += value * value
            if abs(value) > 2 { beyondTwo += 1 }
        }
        let mean = sum / Double(count)
        let variance = sumOfSquares / Double(count) - mean * mean
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
        // About 4.55 % of a normal lies beyond two standard deviations.
        #expect(abs(Double(beyondTwo) / Double(count) - 0.0455) < 0.003)
    }
}
