@testable import API
import Foundation
import Testing

/// Broker credentials at rest: AES-256-GCM under `MASTER_KEY`, bound to their owner's record.
@Suite("Credential vault: sealed for one record, opened only with the same key and record")
struct CredentialVaultTests {
    static let key = Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()
    static let secret = Data(#"{"api_key":"k","client_code":"A123","pin":"1234","totp_secret":"GEZDGNBV"}"#.utf8)

    @Test("a sealed value opens for its record, and each seal is different")
    func roundTrip() throws {
        let vault = try CredentialVault(masterKeyBase64: Self.key)
        let first = try vault.seal(Self.secret, context: "user-1")
        let second = try vault.seal(Self.secret, context: "user-1")
        #expect(first != second, "a fresh nonce per value")
        #expect(try vault.open(first, context: "user-1") == Self.secret)
        #expect(try vault.open(second, context: "user-1") == Self.secret)
        #expect(!first.contains("A123") && Data(base64Encoded: first).map { $0.range(of: Self.secret) == nil } == true)
    }

    @Test("another record, another key, or a changed byte does not open")
    func refusals() throws {
        let vault = try CredentialVault(masterKeyBase64: Self.key)
        let sealed = try vault.seal(Self.secret, context: "user-1")
        #expect(throws: CredentialVault.CannotOpen.self) { try vault.open(sealed, context: "user-2") }
        let other = try CredentialVault(masterKeyBase64: Data(repeating: 9, count: 32).base64EncodedString())
        #expect(throws: CredentialVault.CannotOpen.self) { try other.open(sealed, context: "user-1") }
        var bytes = try #require(Data(base64Encoded: sealed))
        for index in [0, 12, bytes.count / 2, bytes.count - 1] {
            bytes[index] ^= 0x01
            #expect(throws: CredentialVault.CannotOpen.self) { try vault.open(bytes.base64EncodedString(), context: "user-1") }
            bytes[index] ^= 0x01
        }
        #expect(throws: CredentialVault.CannotOpen.self) { try vault.open("not base64!", context: "user-1") }
        #expect(throws: CredentialVault.CannotOpen.self) { try vault.open("", context: "user-1") }
    }

    @Test("MASTER_KEY must be base64 of 32 bytes; the refusal names the variable, not the value", arguments: [
        "", "not base64 at all", Data(repeating: 1, count: 16).base64EncodedString(),
        Data(repeating: 1, count: 33).base64EncodedString(),
    ])
    func badKeys(text: String) {
        #expect {
            try CredentialVault(masterKeyBase64: text)
        } throws: { error in
            let message = (error as? CredentialVault.InvalidMasterKey)?.description ?? ""
            return message.contains("MASTER_KEY") && (text.isEmpty || !message.contains(text))
        }
    }

    @Test("printing the vault shows no key")
    func hidden() throws {
        let vault = try CredentialVault(masterKeyBase64: Self.key)
        #expect(!"\(vault)".contains(Self.key) && !String(reflecting: vault).contains(Self.key))
    }
}
