import Foundation

/// The JSON text frame that subscribes (or unsubscribes) SmartStream tokens: `{"correlationID", "action",
/// "params": {"mode", "tokenList": [{"exchangeType", "tokens"}]}}`, tokens grouped by exchange type.
public struct SmartStreamSubscription: Equatable, Sendable {
    /// SmartStream's limit: subscriptions per session, each (token, mode) pair counting once.
    public static let maxTokens = 1_000

    public let mode: SmartStreamMode
    /// Tokens by exchange type, in the order given.
    public let tokens: [(exchangeType: UInt8, tokens: [String])]

    /// Why a subscription cannot be sent.
    public struct TooMany: Error, Equatable, Sendable, CustomStringConvertible {
        public let count: Int
        public var description: String {
            "\(count) instruments exceed SmartStream's \(SmartStreamSubscription.maxTokens) subscriptions per session"
        }
    }

    /// Groups `instruments` (exchange type, token), dropping repeats; more than 1,000 is refused.
    public init(mode: SmartStreamMode, instruments: [(exchangeType: UInt8, token: String)]) throws(TooMany) {
        var seen = Set<String>()
        var groups: [(exchangeType: UInt8, tokens: [String])] = []
        for (exchangeType, token) in instruments where seen.insert("\(exchangeType):\(token)").inserted {
            if let index = groups.firstIndex(where: { $0.exchangeType == exchangeType }) {
                groups[index].tokens.append(token)
            } else {
                groups.append((exchangeType, [token]))
            }
        }
        guard seen.count <= Self.maxTokens else { throw TooMany(count: seen.count) }
        self.mode = mode
        tokens = groups
    }

    /// The text frame; `action` 1 subscribes, 0 unsubscribes.
    public func message(subscribe: Bool = true, correlationID: String = "stockcart1") -> String {
        let list = tokens.map { ["exchangeType": Int($0.exchangeType), "tokens": $0.tokens] as [String: Any] }
        let object: [String: Any] = ["correlationID": correlationID, "action": subscribe ? 1 : 0,
                                     "params": ["mode": Int(mode.rawValue), "tokenList": list]]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    public static func == (left: Self, right: Self) -> Bool {
        left.mode == right.mode && left.tokens.map(\.exchangeType) == right.tokens.map(\.exchangeType)
            && left.tokens.map(\.tokens) == right.tokens.map(\.tokens)
    }
}
