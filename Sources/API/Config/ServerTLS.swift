import NIOSSL
import Vapor

/// The server's TLS settings from its PEM files: TLS 1.2 at least, the certificate chain in file order.
enum ServerTLS {
    static func configuration(_ files: TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        } catch {
            throw AppConfig.Invalid(variable: "TLS_CERT", reason: "\(files.certificatePath) holds no PEM certificate")
        }
        do {
            key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        } catch {
            throw AppConfig.Invalid(variable: "TLS_KEY", reason: "\(files.keyPath) holds no PEM private key")
        }
        guard !chain.isEmpty else {
            throw AppConfig.Invalid(variable: "TLS_CERT", reason: "\(files.certificatePath) holds no PEM certificate")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}
