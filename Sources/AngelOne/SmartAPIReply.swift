import Foundation

/// Reads a SmartAPI REST answer, whichever of its shapes it comes in, into its `data` or a `SmartAPIFailure`.
///
/// SmartAPI speaks two JSON dialects, both over HTTP 200: `{"status", "message", "errorcode", "data"}` and, from its
/// gateway, `{"success", "message", "errorCode", "data"}`; `status` may be a boolean or the string "true"/"false",
/// and `data` an object, an array, `null` or `""`. Over its rate limit it answers HTTP 403 with a plain-text body.
public enum SmartAPIReply {
    /// The `data` of a successful answer decoded as `Payload`, nil when it is `null` or `""`.
    public static func decode<Payload: Decodable>(_ type: Payload.Type, httpStatus: Int, body: Data)
        throws(SmartAPIFailure) -> Payload? {
        let envelope: Envelope<Payload>
        do {
            envelope = try JSONDecoder().decode(Envelope<Payload>.self, from: body)
        } catch let error as PayloadError {
            throw .unreadable(httpStatus: httpStatus, detail: "data: \(error.underlying)")
        } catch {
            throw plainFailure(httpStatus: httpStatus, body: body)
        }
        guard envelope.succeeded else {
            let code = envelope.errorCode ?? ""
            if SmartAPIFailure.reauthenticationCodes.contains(code) {
                throw .reauthenticate(code: code, message: envelope.message)
            }
            if isRateLimitMessage(envelope.message) { throw .rateLimited(message: envelope.message) }
            throw .rejected(code: code, message: envelope.message)
        }
        return envelope.data
    }

    /// An answer that is not JSON: the plain-text rate limit, or something SmartAPI never meant to send.
    private static func plainFailure(httpStatus: Int, body: Data) -> SmartAPIFailure {
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if httpStatus == 403 || httpStatus == 429 || isRateLimitMessage(text) {
            return .rateLimited(message: text.isEmpty ? "HTTP \(httpStatus)" : text)
        }
        return .unreadable(httpStatus: httpStatus, detail: text.isEmpty ? "an empty body" : text)
    }

    private static func isRateLimitMessage(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.contains("exceeding") && lower.contains("rate")
    }

    /// A `data` value that is there but does not decode as the payload: an unreadable answer, not a refusal.
    struct PayloadError: Error {
        let underlying: any Error
    }

    private struct Envelope<Payload: Decodable>: Decodable {
        let succeeded: Bool
        let message: String
        let errorCode: String?
        let data: Payload?

        private enum Keys: String, CodingKey {
            case status, success, message, errorcode, errorCode, data
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            guard let succeeded = try Self.flag(container, .status) ?? Self.flag(container, .success) else {
                throw DecodingError.keyNotFound(Keys.status, .init(codingPath: [], debugDescription: "no status"))
            }
            self.succeeded = succeeded
            message = (try? container.decodeIfPresent(String.self, forKey: .message)) ?? ""
            let code = (try? container.decodeIfPresent(String.self, forKey: .errorcode))
                ?? (try? container.decodeIfPresent(String.self, forKey: .errorCode))
            errorCode = code.flatMap { $0.isEmpty ? nil : $0 }
            // Absent, `null`, `""` and the docs' literal "null" all mean no data.
            if try !container.contains(.data) || container.decodeNil(forKey: .data) {
                data = nil
            } else if let text = try? container.decode(String.self, forKey: .data), text.isEmpty || text == "null" {
                data = nil
            } else if succeeded {
                do {
                    data = try container.decode(Payload.self, forKey: .data)
                } catch {
                    throw PayloadError(underlying: error)
                }
            } else {
                data = nil
            }
        }

        /// A boolean sent as `true`/`false` or as the string "true"/"false"; nil when absent.
        private static func flag(_ container: KeyedDecodingContainer<Keys>, _ key: Keys) throws -> Bool? {
            guard container.contains(key) else { return nil }
            if let value = try? container.decode(Bool.self, forKey: key) { return value }
            if let text = try? container.decode(String.self, forKey: key) {
                switch text.lowercased() {
                case "true": return true
                case "false": return false
                default: break
                }
            }
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a boolean")
        }
    }
}
