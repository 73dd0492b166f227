import Foundation
import Vapor

/// How the API reads and writes bodies: JSON only, snake_case keys, ISO-8601 UTC times.
///
/// Only a JSON decoder is registered, so a form, multipart or text body can never reach a handler, whichever way the
/// handler asks for its content (Vapor answers 415 for any other type); and that decoder is `StrictJSONDecoder`.
enum APICoders {
    static func install() {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601

        var configuration = ContentConfiguration()
        configuration.use(encoder: encoder, for: .json)
        configuration.use(decoder: StrictJSONDecoder(decoder: decoder), for: .json)
        configuration.use(encoder: PlaintextEncoder(), for: .plainText)
        // Query strings are read by `QueryParameters`; Vapor's URL coders stay registered for its own use.
        configuration.use(urlEncoder: URLEncodedFormEncoder())
        configuration.use(urlDecoder: URLEncodedFormDecoder())
        ContentConfiguration.global = configuration
    }
}
