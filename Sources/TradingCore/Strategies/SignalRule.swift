/// One strategy kind's streaming signal logic: fed every closed bar of one symbol in order, it answers a call on
/// the bars where its condition turns true. Implementations keep their indicators' streaming state.
public protocol SignalRule: Sendable {
    mutating func close(_ bar: Candle) -> SignalCall?
}
