import Foundation

/// A string SmartAPI may send as a number (order ids sometimes are).
struct LenientString: Decodable {
    let value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Decimal.self) {
            value = "\(number)"
        } else {
            value = ""
        }
    }
}
