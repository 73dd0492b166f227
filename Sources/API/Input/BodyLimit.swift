import Vapor

/// The largest request body the server reads. StockCart's bodies are a few hundred bytes; a checkout of a whole cart
/// stays far below this.
enum BodyLimit {
    static let kilobytes = 64
    static var byteCount: ByteCount { ByteCount(integerLiteral: kilobytes * 1_024) }
}
