import Foundation

/// A number SmartAPI may send as a JSON number or as a string ("191", "100000.00", "- 2235.80", "" for none).
///
/// Decoded as `Decimal` from the text itself, so a price like 2312.55 stays exact (a JSON number goes through its
/// literal text too, never through a `Double`).
public struct LenientNumber: Decodable, Equatable, Sendable {
    /// Nil for `null`, an empty string, or a string that is not a number.
    public let value: Decimal?

    public init(_ value: Decimal?) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = nil
        } else if let text = try? container.decode(String.self) {
            value = Self.parse(text)
        } else {
            value = try container.decode(Decimal.self)
        }
    }

    /// "1,000.50", " - 2235.80 " and "12" read as numbers; anything else is nil.
    static func parse(_ text: String) -> Decimal? {
        let compact = text.filter { !$0.isWhitespace && $0 != "," }
        guard !compact.isEmpty,
              compact.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }),
              let number = Decimal(string: compact, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return number
    }

    /// The value as a whole number, if it is one.
    public var integer: Int64? {
        guard let value, value == value.rounded(scale: 0) else { return nil }
        return NSDecimalNumber(decimal: value).int64Value
    }
}

extension Decimal {
    /// Rounded half away from zero to `scale` decimals.
    func rounded(scale: Int) -> Decimal {
        var input = self
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }
}
