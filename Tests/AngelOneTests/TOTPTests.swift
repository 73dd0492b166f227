import AngelOne
import Foundation
import Testing

/// RFC 6238 and RFC 4226 test vectors (`../shared/reference/protocols.md` §4), and the secrets a user may paste.
@Suite("TOTP: RFC 6238 codes for Angel One's login")
struct TOTPTests {
    /// The RFC's SHA-1 seed: the ASCII bytes of "12345678901234567890".
    static let rfcKey = Array("12345678901234567890".utf8)

    @Test("RFC 6238 Appendix B, SHA-1, 8 digits", arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ] as [(TimeInterval, String)])
    func rfc6238EightDigits(time: TimeInterval, expected: String) {
        #expect(TOTP(key: Self.rfcKey, digits: 8).code(at: Date(timeIntervalSince1970: time)) == expected)
    }

    @Test("the same instants with 6 digits, as SmartAPI uses them", arguments: [
        (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
        (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ] as [(TimeInterval, String)])
    func rfc6238SixDigits(time: TimeInterval, expected: String) {
        #expect(TOTP(key: Self.rfcKey).code(at: Date(timeIntervalSince1970: time)) == expected)
    }

    @Test("RFC 4226 Appendix D: HOTP for counters 0 to 9")
    func rfc4226() {
        let expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
                        "520489"]
        let totp = TOTP(key: Self.rfcKey)
        #expect((0..<10).map { totp.code(counter: UInt64($0)) } == expected)
    }

    @Test("the counter passes 32 bits without wrapping")
    func wideCounter() {
        #expect(TOTP(key: Self.rfcKey).counter(at: Date(timeIntervalSince1970: 20_000_000_000)) == 0x27BC86AA)
    }

    @Test("a base32 secret is the key it encodes, whatever its case, spacing and padding", arguments: [
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====",
    ])
    func base32Secret(secret: String) throws {
        let totp = try TOTP(base32Secret: secret)
        #expect(totp.code(at: Date(timeIntervalSince1970: 59)) == "287082")
        #expect(totp.code(at: Date(timeIntervalSince1970: 1_234_567_890)) == "005924")
    }

    @Test("secrets that are not base32, or too short, are refused with the reason", arguments: [
        ("", "empty"), ("   ", "empty"), ("GEZDGNBVGY3TQOJ1GEZDGNBV", "not valid base32"),
        ("GEZDGNBVGY3TQOJ8GEZDGNBV", "not valid base32"), ("GEZD-GNBV-GY3T-QOJQ", "not valid base32"),
        ("GEZDGNBVGY3TQOJQ=GEZD", "not valid base32"), ("GEZDGNBVG", "not valid base32"),
        ("GEZDGNBVGY3TQOJQ", "too short"),
    ])
    func refused(secret: String, reason: String) {
        #expect {
            try TOTP(base32Secret: secret)
        } throws: { error in
            (error as? TOTP.InvalidSecret)?.description.contains(reason) == true
        }
    }

    @Test("printing a generator never shows its secret")
    func secretHidden() throws {
        let totp = try TOTP(base32Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        for text in ["\(totp)", String(reflecting: totp), "\(String(describing: totp))"] {
            #expect(!text.contains("GEZD") && !text.contains("1234567890"))
            #expect(text.contains("hidden"))
        }
    }

    @Test("codes step every 30 seconds and say how long they have left")
    func stepping() {
        let totp = TOTP(key: Self.rfcKey)
        let start = Date(timeIntervalSince1970: 1_111_111_110) // a step boundary (37,037,037 × 30)
        #expect(totp.code(at: start) == totp.code(at: start.addingTimeInterval(29.9)))
        #expect(totp.code(at: start) != totp.code(at: start.addingTimeInterval(30)))
        #expect(abs(totp.secondsRemaining(at: start.addingTimeInterval(10)) - 20) < 1e-6)
    }
}
