/// A strict check of JSON text against RFC 8259, run on every request body (and WebSocket message) before it is
/// decoded: the decoder alone would accept a trailing comma in some places and silently keep one of two duplicate
/// keys, so a request could mean something other than what the API reads.
///
/// Refused: anything outside the RFC grammar (trailing commas, comments, single quotes, `NaN`, leading zeros, bare
/// words), malformed UTF-8, unescaped control characters, escapes of lone UTF-16 surrogates, a key repeated in one
/// object (compared after unescaping), nesting deeper than `maxDepth`, and anything after the value but whitespace.
/// Numbers beyond what a `Double` holds (`1e400`, `1e-400`) are refused too, as RFC 8259 §6 allows, naming where they
/// are: the decoder would otherwise report them as a corrupt body without saying which field.
enum JSONSyntax {
    /// The deepest nesting of arrays and objects accepted; StockCart's bodies are two levels deep.
    static let maxDepth = 32

    /// Why a text is not valid JSON, and the byte offset where that was found; for a number out of range, also
    /// where in the document it is (`items[0].quantity`).
    struct Violation: Error, Equatable, CustomStringConvertible {
        let offset: Int
        let reason: String
        var field: String? = nil
        var description: String { "\(reason) at byte \(offset)" }
    }

    /// Throws the first `Violation` in `bytes`.
    static func validate(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        var scanner = Scanner(bytes: bytes)
        scanner.skipWhitespace()
        guard !scanner.atEnd else { throw scanner.violation("empty body: expected a JSON value") }
        try scanner.value(depth: 0)
        scanner.skipWhitespace()
        guard scanner.atEnd else { throw scanner.violation("unexpected \(scanner.describeCurrent()) after the JSON value") }
    }

    /// Validates a `String` (a WebSocket message).
    static func validate(_ text: String) throws(Violation) {
        var text = text
        let result: Result<Void, Violation> = text.withUTF8 { buffer in
            do throws(Violation) {
                try validate(UnsafeRawBufferPointer(buffer))
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var position = 0
        /// Where the scanner is in the document: object keys and array indices, for naming a number out of range.
        var path: [String] = []

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var atEnd: Bool { position >= bytes.count }
        var current: UInt8? { atEnd ? nil : bytes[position] }

        func violation(_ reason: String) -> Violation { Violation(offset: position, reason: reason) }

        func describeCurrent() -> String {
            guard let byte = current else { return "end of input" }
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        }

        mutating func value(depth: Int) throws(Violation) {
            guard let byte = current else { throw violation("unexpected end of input: expected a value") }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth + 1)
            case UInt8(ascii: "["): try array(depth: depth + 1)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: throw violation("unexpected \(describeCurrent()): expected a value")
            }
        }

        mutating func object(depth: Int) throws(Violation) {
            guard depth <= JSONSyntax.maxDepth else { throw violation("nested deeper than \(JSONSyntax.maxDepth) levels") }
            position += 1 // {
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return
            }
            var keys = Set<String>()
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else {
                    throw violation(current == UInt8(ascii: "}") ? "trailing comma before '}'"
                                                                 : "unexpected \(describeCurrent()): expected a key in quotes")
                }
                let keyStart = position
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw Violation(offset: keyStart, reason: "duplicate key \"\(key)\"")
                }
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw violation("unexpected \(describeCurrent()): expected ':'") }
                position += 1
                skipWhitespace()
                path.append(path.isEmpty ? key : "." + key)
                try value(depth: depth)
                path.removeLast()
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"):
                    position += 1
                    return
                default: throw violation("unexpected \(describeCurrent()): expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(Violation) {
            guard depth <= JSONSyntax.maxDepth else { throw violation("nested deeper than \(JSONSyntax.maxDepth) levels") }
            position += 1 // [
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return
            }
            var index = 0
            while true {
                skipWhitespace()
                if current == UInt8(ascii: "]") { throw violation("trailing comma before ']'") }
                path.append("[\(index)]")
                try value(depth: depth)
                path.removeLast()
                index += 1
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"):
                    position += 1
                    return
                default: throw violation("unexpected \(describeCurrent()): expected ',' or ']'")
                }
            }
        }

        mutating func literal(_ word: String) throws(Violation) {
            let start = position
            for expected in word.utf8 {
                guard current == expected else {
                    throw Violation(offset: start, reason: "unexpected word: expected \(word)")
                }
                position += 1
            }
        }

        mutating func number() throws(Violation) {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            guard let first = current, isDigit(first) else { throw violation("a number needs a digit here") }
            position += 1
            if first == UInt8(ascii: "0"), let next = current, isDigit(next) {
                throw Violation(offset: start, reason: "a number may not have a leading zero")
            }
            while let byte = current, isDigit(byte) { position += 1 }
            if current == UInt8(ascii: ".") {
                position += 1
                guard let byte = current, isDigit(byte) else { throw violation("a number needs a digit after '.'") }
                while let byte = current, isDigit(byte) { position += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard let byte = current, isDigit(byte) else { throw violation("a number needs a digit in its exponent") }
                while let byte = current, isDigit(byte) { position += 1 }
            }
            try checkRange(of: start..<position)
        }

        /// A number must round to a finite `Double`, and not to zero unless it is zero.
        private func checkRange(of range: Range<Int>) throws(Violation) {
            let token = bytes[range]
            let text = String(decoding: token, as: UTF8.self)
            guard let value = Double(text) else { return }
            let mantissa = token.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
            let nonZero = mantissa.contains { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }
            guard !value.isFinite || (value == 0 && nonZero) else { return }
            let field = path.isEmpty ? nil : path.joined()
            throw Violation(offset: range.lowerBound, reason: "number \(text) is out of range", field: field)
        }

        private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        /// Reads a string and returns its value (escapes resolved), so keys can be compared as the decoder sees them.
        mutating func string() throws(Violation) -> String {
            position += 1 // opening quote
            var scalars = String.UnicodeScalarView()
            while true {
                guard let byte = current else { throw violation("unterminated string") }
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    position += 1
                    scalars.append(try escape())
                case 0x00..<0x20:
                    throw violation("control character in a string (escape it)")
                case 0x00..<0x80:
                    scalars.append(Unicode.Scalar(byte))
                    position += 1
                default:
                    scalars.append(try multiByteScalar())
                }
            }
        }

        private mutating func escape() throws(Violation) -> Unicode.Scalar {
            guard let byte = current else { throw violation("unterminated escape") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let unit = try hexUnit()
                switch unit {
                case 0xD800..<0xDC00:
                    // A high surrogate must be followed by an escaped low surrogate: together they are one scalar.
                    guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                          bytes[position + 1] == UInt8(ascii: "u") else {
                        throw violation("unpaired UTF-16 surrogate in a \\u escape")
                    }
                    position += 2
                    let low = try hexUnit()
                    guard (0xDC00..<0xE000).contains(low) else { throw violation("unpaired UTF-16 surrogate in a \\u escape") }
                    let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    return Unicode.Scalar(value)!
                case 0xDC00..<0xE000:
                    throw violation("unpaired UTF-16 surrogate in a \\u escape")
                default:
                    return Unicode.Scalar(unit)!
                }
            default:
                position -= 1
                throw violation("invalid escape \\\(describeCurrent())")
            }
        }

        private mutating func hexUnit() throws(Violation) -> UInt16 {
            var value: UInt16 = 0
            for _ in 0..<4 {
                guard let byte = current else { throw violation("unterminated \\u escape") }
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw violation("a \\u escape needs four hex digits")
                }
                value = value << 4 | UInt16(digit)
                position += 1
            }
            return value
        }

        /// Decodes one well-formed UTF-8 sequence of two to four bytes (no overlong forms, no surrogates, nothing
        /// above U+10FFFF), as the Unicode standard's table of well-formed byte sequences allows.
        private mutating func multiByteScalar() throws(Violation) -> Unicode.Scalar {
            let lead = bytes[position]
            let length: Int
            var value: UInt32
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF:
                length = 2
                value = UInt32(lead & 0x1F)
            case 0xE0...0xEF:
                length = 3
                value = UInt32(lead & 0x0F)
                if lead == 0xE0 { secondRange = 0xA0...0xBF }
                if lead == 0xED { secondRange = 0x80...0x9F }
            case 0xF0...0xF4:
                length = 4
                value = UInt32(lead & 0x07)
                if lead == 0xF0 { secondRange = 0x90...0xBF }
                if lead == 0xF4 { secondRange = 0x80...0x8F }
            default:
                throw violation("malformed UTF-8")
            }
            guard position + length <= bytes.count else { throw violation("malformed UTF-8") }
            for index in 1..<length {
                let byte = bytes[position + index]
                let allowed = index == 1 ? secondRange : 0x80...0xBF
                guard allowed.contains(byte) else { throw violation("malformed UTF-8") }
                value = value << 6 | UInt32(byte & 0x3F)
            }
            position += length
            return Unicode.Scalar(value)!
        }
    }
}
