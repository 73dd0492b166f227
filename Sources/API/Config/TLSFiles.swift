import Foundation

/// The certificate chain and private key (PEM files) the server serves HTTPS and WSS with.
public struct TLSFiles: Sendable, Equatable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// Both paths or neither; a file that cannot be read fails start-up naming its variable. (Whether the files hold
    /// a usable certificate and key is checked when the server loads them.)
    static func fromEnvironment(certificate: String?, key: String?) throws(AppConfig.Invalid) -> TLSFiles? {
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (nil, .some):
            throw AppConfig.Invalid(variable: "TLS_CERT", reason: "TLS_KEY is set; set TLS_CERT to the certificate chain (PEM) too")
        case (.some, nil):
            throw AppConfig.Invalid(variable: "TLS_KEY", reason: "TLS_CERT is set; set TLS_KEY to its private key (PEM) too")
        case let (.some(certificate), .some(key)):
            for (variable, path) in [("TLS_CERT", certificate), ("TLS_KEY", key)]
            where !FileManager.default.isReadableFile(atPath: path) {
                throw AppConfig.Invalid(variable: variable, reason: "cannot read \(path)")
            }
            return TLSFiles(certificatePath: certificate, keyPath: key)
        }
    }
}
