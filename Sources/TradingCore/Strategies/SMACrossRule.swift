/// `sma-cross`: the fast simple moving average of closes crossing the slow one. The averages are compared exactly
/// (fast sum × slow period against slow sum × fast period, in paise), so a tie is a tie.
public struct SMACrossRule: SignalRule {
    private var fast: ExactMovingSum
    private var slow: ExactMovingSum
    private var cross = CrossDirection()
    private let recipe: SignalRecipe

    public init(fast: Int, slow: Int) {
        recipe = .smaCross(fast: fast, slow: slow)
        self.fast = ExactMovingSum(period: fast)
        self.slow = ExactMovingSum(period: slow)
    }

    @inline(__always)
    public mutating func close(_ bar: Candle) -> SignalCall? {
        let price = bar.close.paise
        _ = fast.add(price)
        guard slow.add(price) else { return nil }
        let (left, leftOverflow) = fast.total.multipliedReportingOverflow(by: Int64(slow.period))
        let (right, rightOverflow) = slow.total.multipliedReportingOverflow(by: Int64(fast.period))
        let sign: Int = if leftOverflow || rightOverflow {
            fast.mean > slow.mean ? 1 : (fast.mean < slow.mean ? -1 : 0)
        } else {
            left > right ? 1 : (left < right ? -1 : 0)
        }
        let direction = cross.update(sign: sign)
        guard direction != 0 else { return nil }
        return call(direction, bar)
    }

    private func call(_ direction: Int, _ bar: Candle) -> SignalCall {
        let (fastMean, slowMean) = (fast.mean, slow.mean)
        return SignalCall(side: direction > 0 ? .buy : .sell, recipe: recipe, first: fastMean, second: slowMean,
                          close: bar.close.rupeesDouble, strength: abs(fastMean - slowMean) / slowMean * 100)
    }
}
