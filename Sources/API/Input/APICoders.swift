import Foundation
import Vapor

/// How the API reads and writes bodies: JSON only, snake_case keys, ISO-8601 UTC times.
///
/// Only a JSON decoder is registered, so a form, multipart or text body can never reach a handler, whichever way the
/// handler asks for its content (Vapor answers 415 for any other type); and that decoder is `StrictJSONDecoder`.
///
/// Keys are not converted by the coders: every body type spells its snake_case keys in its `CodingKeys`, so encoding
/// does no per-key string work (a key-conversion strategy rewrote every key of every object on every response).
enum APICoders {
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    static func install() {
        let encoder = makeEncoder()
        let decoder = makeDecoder()

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
