import Crypto
import Foundation

/// Seals secrets users give the server (their broker credentials) for storage: AES-256-GCM under the server's
/// `MASTER_KEY`, with a fresh random nonce per value, and each sealed value bound to the record it belongs to (the
/// `context`, such as the owner's id, as authenticated data), so a ciphertext copied onto another user's row does
/// not open there.
///
/// Nothing it throws or prints contains the key or a plaintext.
struct CredentialVault: Sendable, CustomStringConvertible {
    /// Why `MASTER_KEY` was refused; the message names the variable, never its value.
    struct InvalidMasterKey: Error, Equatable, CustomStringConvertible {
        /// What is wrong, without naming the variable (the caller does).
        let reason: String
        var description: String { "MASTER_KEY \(reason)" }
    }

    /// A sealed value that does not open: wrong key, wrong record, or altered.
    struct CannotOpen: Error, Equatable, CustomStringConvertible {
        var description: String { "the stored credentials do not open with this MASTER_KEY (changed key, or altered data)" }
    }

    private let key: SymmetricKey

    /// The key from `MASTER_KEY`: 32 bytes, base64.
    init(masterKeyBase64 text: String) throws(InvalidMasterKey) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: trimmed) else {
            throw InvalidMasterKey(reason: "must be base64 (for example the output of `openssl rand -base64 32`)")
        }
        guard bytes.count == 32 else {
            throw InvalidMasterKey(reason: "must encode 32 bytes (AES-256); it encodes \(bytes.count)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// `plaintext` sealed for `context`, as base64 text (nonce, ciphertext and tag).
    func seal(_ plaintext: Data, context: String) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: Data(context.utf8))
        guard let combined = box.combined else { throw CannotOpen() } // only for non-standard nonce sizes
        return combined.base64EncodedString()
    }

    /// The plaintext of a value `seal` produced for the same `context`.
    func open(_ sealed: String, context: String) throws(CannotOpen) -> Data {
        do {
            guard let combined = Data(base64Encoded: sealed) else { throw CannotOpen() }
            let box = try AES.GCM.SealedBox(combined: combined)
            return try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        } catch {
            throw CannotOpen()
        }
    }

    var description: String { "CredentialVault(AES-256-GCM, key hidden)" }
}
