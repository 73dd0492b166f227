/// An amount of money that does not fit the integer paise `Money` is held in: a product or sum that would overflow.
///
/// Checked `Money` arithmetic throws it where a plain operator would trap. Input limits (`OrderLimits`) keep every
/// amount a user can ask for far inside the range, so reaching it means a bound was missed somewhere: callers refuse
/// the one request or fail the one order, and the process carries on.
public struct AmountOutOfRange: Error, Hashable, Sendable, CustomStringConvertible {
    /// The calculation that overflowed, for the log.
    public let operation: String

    public init(operation: String) { self.operation = operation }

    public var description: String { "amount out of range: \(operation)" }
}
