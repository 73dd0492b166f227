import Foundation
import Logging
import Vapor

/// Wraps the server's log handler so that no bearer token reaches a log, whatever the level: Vapor's own trace
/// output prints request heads (`Authorization: Bearer …`) and URLs (`/api/ws?token=…`). Only the messages that are
/// actually written pass through it, so the cost is nil at the levels that print no request lines.
public struct RedactingLogHandler: LogHandler {
    private var base: any LogHandler

    public init(wrapping base: any LogHandler) { self.base = base }

    public var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        base.log(level: level, message: "\(Self.redact(message.description))", metadata: metadata.map(Self.redact),
                 source: source, file: file, function: function, line: line)
    }

    /// `text` with every bearer token, `token=` parameter and JWT-shaped string replaced by `[redacted]`.
    public static func redact(_ text: String) -> String {
        guard text.contains("ey") || text.localizedCaseInsensitiveContains("bearer")
            || text.localizedCaseInsensitiveContains("token") else { return text }
        var result = text
        for (pattern, replacement) in patterns {
            result = result.replacingOccurrences(of: pattern, with: replacement, options: [.regularExpression,
                                                                                           .caseInsensitive])
        }
        return result
    }

    private static let patterns: [(String, String)] = [
        (#"(bearer\s+)[^\s;,"']+"#, "$1[redacted]"),
        (#"([?&]token=)[^&\s"';,]+"#, "$1[redacted]"),
        (#"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"#, "[redacted]"),
    ]

    private static func redact(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.mapValues(redact)
    }

    private static func redact(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(redact(text))
        case .stringConvertible(let convertible): .string(redact(convertible.description))
        case .array(let values): .array(values.map(redact))
        case .dictionary(let values): .dictionary(values.mapValues(redact))
        }
    }
}

extension LoggingSystem {
    /// Vapor's console logging at the level the environment asks for, every handler wrapped in a
    /// `RedactingLogHandler`.
    public static func bootstrapRedacting(from environment: inout Environment) throws {
        try bootstrap(from: &environment) { level in
            let console = Terminal()
            return { label in RedactingLogHandler(wrapping: ConsoleLogger(label: label, console: console, level: level)) }
        }
    }
}
