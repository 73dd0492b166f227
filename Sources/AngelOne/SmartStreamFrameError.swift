/// Why a SmartStream binary frame could not be decoded. A bad frame is counted by its `reason` and skipped; it
/// never stops the feed.
public struct SmartStreamFrameError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        case empty
        case unknownMode = "unknown_mode"
        case truncated
        case badToken = "bad_token"
    }

    public let reason: Reason
    public let detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
