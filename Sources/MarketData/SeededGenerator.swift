import TradingCore

/// A small, fast, deterministic random number generator (xoshiro256**) for simulations and synthetic history.
///
/// The system generator cannot be seeded, and the simulator must replay exactly for a given seed so that tests and
/// demos are reproducible. The 256-bit state is filled from the 64-bit seed with SplitMix64, as the xoshiro authors
/// recommend, so that even seeds 0, 1, 2 … give unrelated streams.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var expander = seed
        s0 = Self.splitMix(&expander)
        s1 = Self.splitMix(&expander)
        s2 = Self.splitMix(&expander)
        s3 = Self.splitMix(&expander)
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }

    /// One SplitMix64 step: advances `state` and returns a well-mixed output.
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// SplitMix64's finaliser: a bijective scrambler, so distinct inputs always give distinct outputs.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed for one independent sub-stream, derived from a root seed and labels (symbol, purpose, day …).
    /// Mixing after every label makes the result depend on the order of the labels, not just their sum.
    static func derivedSeed(_ root: UInt64, _ labels: UInt64...) -> UInt64 {
        var hash = mix(root)
        for label in labels {
            hash = mix(hash ^ mix(label &+ 0x9E37_79B9_7F4A_7C15))
        }
        return hash
    }

    /// A stable 64-bit label for a symbol (FNV-1a over its UTF-8 bytes). `hashValue` cannot be used: Swift seeds it
    /// per process, which would make streams differ between runs.
    static func label(for symbol: Symbol) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in symbol.rawValue.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
