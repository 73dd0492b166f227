import Vapor

extension Request {
    /// The request's JSON body decoded as `T`: the one way handlers read a body.
    ///
    /// 415 unless the body is declared `application/json` (UTF-8, the only charset JSON has), 400 for a missing or
    /// empty body or one that is not valid JSON (`StrictJSONDecoder`), 422 naming the field for a value of the wrong
    /// type (`APIErrorMiddleware`).
    func decodeJSONBody<T: Decodable>(_ type: T.Type) throws -> T {
        // Read by hand: `headers.contentType` runs Vapor's general header parser (3 % of the CPU of a rule's creation
        // in a profile), and `HTTPMediaType ==` would let a `*/*` wildcard match.
        let declared = headers.first(name: .contentType)
        guard let contentType = declared.map(ContentTypeValue.init), contentType.isJSON else {
            let sent = declared.map { "'\($0)'" } ?? "no Content-Type"
            throw APIError(.unsupportedMediaType,
                           "the API accepts JSON bodies only (Content-Type: application/json); this request sent \(sent)",
                           field: "Content-Type")
        }
        if let charset = contentType.charset, charset != "utf-8", charset != "utf8" {
            throw APIError(.unsupportedMediaType, "JSON bodies must be UTF-8; this request declared charset=\(charset)",
                           field: "Content-Type")
        }
        guard let body = body.data, body.readableBytes > 0 else {
            throw APIError(.badRequest, "this request needs a JSON object as its body")
        }
        return try ContentConfiguration.global.requireDecoder(for: .json).decode(T.self, from: body, headers: headers)
    }
}

/// What the API reads of a `Content-Type` value: whether it is `application/json` (in any case) and its charset.
struct ContentTypeValue {
    let isJSON: Bool
    /// The `charset` parameter, lower-cased and unquoted, if there is one.
    let charset: String?

    init(_ value: String) {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
        isJSON = parts.first.map { $0.trimmingBlanks.lowercased() == "application/json" } ?? false
        var charset: String?
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingBlanks.lowercased() == "charset" else { continue }
            var text = pair[1].trimmingBlanks
            if text.count >= 2, text.first == "\"", text.last == "\"" { text = text.dropFirst().dropLast() }
            charset = text.lowercased()
        }
        self.charset = charset
    }
}
