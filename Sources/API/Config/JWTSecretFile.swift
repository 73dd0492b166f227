import Crypto
import Foundation

/// The JWT signing secret when `JWT_SECRET` is not set: generated once, kept in `DATA_DIR/jwt-secret` (mode 0600)
/// so tokens survive restarts. In-memory test databases get a fresh secret that is never written.
enum JWTSecretFile {
    static func loadOrCreate(in directory: String, persistent: Bool) throws -> String {
        guard persistent else { return generate() }
        let path = directory + "/jwt-secret"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), existing.utf8.count >= 32 {
            return existing
        }
        let secret = generate()
        guard FileManager.default.createFile(atPath: path, contents: Data(secret.utf8),
                                             attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown) }
        return secret
    }

    private static func generate() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }
}
