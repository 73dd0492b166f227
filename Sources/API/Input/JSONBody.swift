import Vapor

extension Request {
    /// The request's JSON body decoded as `T`: the one way handlers read a body.
    ///
    /// 415 unless the body is declared `application/json` (UTF-8, the only charset JSON has), 400 for a missing or
    /// empty body or one that is not valid JSON (`StrictJSONDecoder`), 422 naming the field for a value of the wrong
    /// type (`APIErrorMiddleware`).
    func decodeJSONBody<T: Decodable>(_ type: T.Type) throws -> T {
        // Compared by hand: `HTTPMediaType ==` lets a `*/*` wildcard match, and media types are case-insensitive.
        guard let contentType = headers.contentType, contentType.type.lowercased() == "application",
              contentType.subType.lowercased() == "json" else {
            let sent = headers.first(name: .contentType).map { "'\($0)'" } ?? "no Content-Type"
            throw APIError(.unsupportedMediaType,
                           "the API accepts JSON bodies only (Content-Type: application/json); this request sent \(sent)",
                           field: "Content-Type")
        }
        if let charset = contentType.parameters["charset"]?.lowercased(), charset != "utf-8", charset != "utf8" {
            throw APIError(.unsupportedMediaType, "JSON bodies must be UTF-8; this request declared charset=\(charset)",
                           field: "Content-Type")
        }
        guard let body = body.data, body.readableBytes > 0 else {
            throw APIError(.badRequest, "this request needs a JSON object as its body")
        }
        return try ContentConfiguration.global.requireDecoder(for: .json).decode(T.self, from: body, headers: headers)
    }
}
