import Engine
import Testing

@Suite("SettlementBackoff")
struct SettlementBackoffTests {
    @Test("the delay doubles from the initial one and stays at the maximum")
    func doublesUpToTheCap() {
        let backoff = SettlementBackoff.standard
        #expect((1...7).map(backoff.delay(before:)) == [
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5),
        ])
    }

    @Test("a very long outage neither overflows nor goes below the cap")
    func longOutage() {
        let backoff = SettlementBackoff(initial: .milliseconds(1), maximum: .milliseconds(20))
        #expect(backoff.delay(before: 0) == .milliseconds(1))
        #expect(backoff.delay(before: .max) == .milliseconds(20))
    }
}
