import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) as Angel One's login asks for them: HMAC-SHA1, 6 digits, 30-second steps
/// counted from the Unix epoch, keyed by the base32 secret of the QR code the user enabled TOTP with.
///
/// The secret is held as bytes and never printed: `description` and `debugDescription` show no part of it, so a
/// log line or an error message that interpolates one cannot leak it.
public struct TOTP: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Why a secret was refused.
    public struct InvalidSecret: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    private let key: SymmetricKey
    public let digits: Int
    public let period: UInt64

    /// The shortest secret accepted, in bytes: RFC 4226 asks for at least 128 bits and recommends 160; 112 bits is
    /// the floor common authenticator libraries enforce (pyotp, which Angel One's own SDK uses).
    public static let minimumSecretBytes = 14

    /// A generator for the base32 `secret` (case and spaces ignored, `=` padding optional).
    public init(base32Secret secret: String, digits: Int = 6, period: UInt64 = 30) throws(InvalidSecret) {
        let compact = secret.filter { !$0.isWhitespace }
        guard !compact.isEmpty else { throw InvalidSecret(description: "the TOTP secret is empty") }
        guard let bytes = Base32.decode(compact) else {
            throw InvalidSecret(description: "the TOTP secret is not valid base32 (letters A–Z and digits 2–7)")
        }
        guard bytes.count >= Self.minimumSecretBytes else {
            throw InvalidSecret(description: "the TOTP secret is too short (\(bytes.count * 8) bits; at least "
                                + "\(Self.minimumSecretBytes * 8) expected)")
        }
        self.init(key: bytes, digits: digits, period: period)
    }

    /// A generator for raw key bytes (the RFC's test vectors are given this way).
    public init(key: [UInt8], digits: Int = 6, period: UInt64 = 30) {
        precondition((1...9).contains(digits) && period > 0)
        self.key = SymmetricKey(data: key)
        self.digits = digits
        self.period = period
    }

    /// The code for the time step that holds `date`.
    public func code(at date: Date) -> String { code(counter: counter(at: date)) }

    /// The time step that holds `date` (0 before the epoch).
    public func counter(at date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970
        return seconds <= 0 ? 0 : UInt64(seconds) / period
    }

    /// The seconds left before the code for `date` expires.
    public func secondsRemaining(at date: Date) -> Double {
        Double(period) - date.timeIntervalSince1970.truncatingRemainder(dividingBy: Double(period))
    }

    /// The HOTP code (RFC 4226) for `counter`: HMAC-SHA1 of its 8 big-endian bytes, dynamically truncated.
    public func code(counter: UInt64) -> String {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let truncated = (UInt32(mac[offset]) & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16
            | UInt32(mac[offset + 2]) << 8 | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(truncated % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }

    public var description: String { "TOTP(\(digits) digits, \(period) s, secret hidden)" }
    public var debugDescription: String { description }
}
