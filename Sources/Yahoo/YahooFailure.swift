/// What went wrong with a Yahoo chart request, in terms the feed and the history loader act on.
public enum YahooFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// HTTP 404: Yahoo has no such symbol ("No data found, symbol may be delisted").
    case notFound(String)
    /// HTTP 429: too many requests; back off.
    case rateLimited
    /// HTTP 400 or 422: the request asked for something Yahoo does not serve (an interval, a too-long 1m window).
    case refused(status: Int, description: String)
    /// An answer that is not the chart JSON (the "Will be right back" outage page, garbage), or a 5xx.
    case unavailable(String)
    /// No answer at all.
    case unreachable(String)

    public var description: String {
        switch self {
        case .notFound(let text): "Yahoo has no data for it: \(text)"
        case .rateLimited: "Yahoo is rate limiting (HTTP 429)"
        case .refused(let status, let text): "Yahoo refused the request (HTTP \(status)): \(text)"
        case .unavailable(let text): "Yahoo is unavailable: \(text)"
        case .unreachable(let text): "Yahoo did not answer: \(text)"
        }
    }
}
