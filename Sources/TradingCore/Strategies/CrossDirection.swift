/// A crossover detector with backtrader's `CrossOver` semantics: a cross up is a positive difference now after a
/// last non-zero difference that was negative (so touching and separating again is not a cross), a cross down the
/// mirror. The first difference seen only seeds it.
public struct CrossDirection: Sendable {
    private var lastNonZero = 0

    public init() {}

    /// +1 on a cross up, −1 on a cross down, 0 otherwise; `sign` is the sign of the difference at this bar.
    public mutating func update(sign: Int) -> Int {
        defer { if sign != 0 { lastNonZero = sign } }
        if sign > 0 && lastNonZero < 0 { return 1 }
        if sign < 0 && lastNonZero > 0 { return -1 }
        return 0
    }
}
