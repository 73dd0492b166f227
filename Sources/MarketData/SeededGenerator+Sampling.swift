import Foundation

// Sampling helpers shared by the simulator and the synthetic history. They live on `SeededGenerator` rather than on
// `RandomNumberGenerator` so that a public extension of a standard-library protocol cannot clash with another
// module's helpers of the same name.
extension SeededGenerator {
    /// A uniform double in [0, 1) with 53 random bits (every representable step equally likely).
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform double in (0, 1]: safe to pass to `log`, which is -∞ at zero.
    public mutating func nextPositiveUnitInterval() -> Double {
        Double((next() >> 11) + 1) * 0x1p-53
    }

    /// A standard normal sample (mean 0, variance 1) by the Box–Muller transform.
    ///
    /// Box–Muller yields two independent normals per pair of uniforms; only the cosine branch is used, because
    /// caching the sine branch would add state to the generator for a saving that does not matter here.
    public mutating func nextStandardNormal() -> Double {
        let radius = (-2 * log(nextPositiveUnitInterval())).squareRoot()
        let angle = 2 * Double.pi * nextUnitInterval()
        return radius * cos(angle)
    }
}
