/// An exchange trading symbol such as `RELIANCE` or `M&M`: upper-case, 1–20 characters of letters, digits, `&` or `-`.
public struct Symbol: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    /// Normalises to upper case and validates; returns nil for anything that cannot be an NSE symbol.
    public init?(_ raw: String) {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        // Check for ASCII before upper-casing: Unicode case mapping turns some other letters into ASCII ("ß" → "SS").
        guard trimmed.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        let value = trimmed.uppercased()
        guard (1...20).contains(value.count),
              value.unicodeScalars.allSatisfy({ $0.isASCIIUpperAlnum || $0 == "&" || $0 == "-" })
        else { return nil }
        self.rawValue = value
    }

    public init(stringLiteral value: String) {
        guard let symbol = Symbol(value) else { preconditionFailure("invalid symbol literal \(value)") }
        self = symbol
    }

    public var description: String { rawValue }
    public static func < (lhs: Symbol, rhs: Symbol) -> Bool { lhs.rawValue < rhs.rawValue }
}

private extension Unicode.Scalar {
    var isASCIIUpperAlnum: Bool { ("A"..."Z").contains(self) || ("0"..."9").contains(self) }
}

import Foundation
