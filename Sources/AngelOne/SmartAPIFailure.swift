/// What went wrong with a SmartAPI REST call, in the terms the session manager and the broker act on.
public enum SmartAPIFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The session is no longer valid (`AG8001`, `AG8002`, `AG8003`, `AB8050`, `AB8051`, `AB1010`, `AB1011`): log in
    /// again, once, then tell the user.
    case reauthenticate(code: String, message: String)
    /// Over the broker's rate limit (HTTP 403 with a plain-text body, or a `status: false` saying so).
    case rateLimited(message: String)
    /// The broker answered and refused (wrong TOTP, unknown symbol, order rejected…).
    case rejected(code: String, message: String)
    /// An answer that is not one of SmartAPI's envelopes (an HTML outage page, an empty 400, garbage).
    case unreadable(httpStatus: Int, detail: String)
    /// No answer: the connection failed or the call timed out. For an order placement this says nothing about
    /// whether the order went through; only the order book can.
    case unreachable(detail: String)

    /// Error codes after which only a new login helps.
    public static let reauthenticationCodes: Set<String> = ["AG8001", "AG8002", "AG8003", "AB8050", "AB8051", "AB1010",
                                                            "AB1011"]

    /// The broker's error code, if it sent one.
    public var code: String? {
        switch self {
        case .reauthenticate(let code, _), .rejected(let code, _): code
        case .rateLimited, .unreadable, .unreachable: nil
        }
    }

    public var description: String {
        switch self {
        case .reauthenticate(let code, let message): "session no longer valid (\(code): \(message))"
        case .rateLimited(let message): "rate limited by the broker (\(message))"
        case .rejected(let code, let message): code.isEmpty ? message : "\(code): \(message)"
        case .unreadable(let status, let detail): "unreadable answer (HTTP \(status)): \(detail)"
        case .unreachable(let detail): "SmartAPI did not answer: \(detail)"
        }
    }
}
