import AsyncKit
import FluentPostgresDriver
import Foundation
import NIOCore
import NIOPosix

extension Error {
    /// Whether the error says the database cannot be reached or is refusing work for now (a restart, a cut
    /// network, a database closed to connections, a full connection pool), rather than that the request was wrong.
    /// The API answers these with 503 and the client retries; nothing about the request itself was refused.
    public var isDatabaseUnavailable: Bool {
        if let error = self as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // Connection exceptions (08…), operator intervention such as a shutdown or a terminated backend
                // (57P…), too many connections (53300), and a database not accepting connections (55000).
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" || state == "55000"
            default:
                return false
            }
        }
        switch self {
        case is ConnectionPoolTimeoutError, is ConnectionPoolError, is NIOConnectionError, is ChannelError:
            return true
        case let error as IOError:
            return [ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode)
        default:
            return false
        }
    }
}
