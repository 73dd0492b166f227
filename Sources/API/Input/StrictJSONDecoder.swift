import Foundation
import NIOCore
import Vapor

/// The only request-body decoder the server registers (see `APICoders`): the body must be valid JSON by
/// `JSONSyntax` (400 otherwise), and is then decoded by the API's `JSONDecoder` (`APICoders`).
struct StrictJSONDecoder: ContentDecoder {
    let decoder: JSONDecoder

    func decode<D: Decodable>(_ type: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(type, from: body, headers: headers, userInfo: [:])
    }

    func decode<D: Decodable>(_ type: D.Type, from body: ByteBuffer, headers: HTTPHeaders,
                              userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        do {
            try body.withUnsafeReadableBytes { bytes in try JSONSyntax.validate(bytes) }
        } catch let violation as JSONSyntax.Violation {
            if let field = violation.field {
                // Valid JSON, but a number no field of ours can hold: bad input for that field.
                throw APIError(.unprocessableEntity, "\(field) must be a number within range", field: field)
            }
            throw APIError(.badRequest, "request body is not valid JSON: \(violation)")
        }
        do {
            return try decodeValidated(type, from: body, userInfo: userInfo)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // The text is valid JSON, so this is a value the type cannot hold that Foundation does not place (it
            // reports those as "not valid JSON" with no path). Integer fields are decoded as numbers and checked by
            // their handlers, so this is a last resort.
            throw APIError(.unprocessableEntity, "a value in the request body does not fit its field")
        }
    }

    private func decodeValidated<D: Decodable>(_ type: D.Type, from body: ByteBuffer,
                                               userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        if userInfo.isEmpty {
            return try decoder.decode(D.self, from: Data(buffer: body, byteTransferStrategy: .noCopy))
        }
        // A decoder is not Sendable to share once user info is set on it: use a copy for this call.
        let configured = APICoders.makeDecoder()
        configured.userInfo = userInfo
        return try configured.decode(D.self, from: Data(buffer: body, byteTransferStrategy: .noCopy))
    }
}
