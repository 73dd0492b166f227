import NIOCore
import NIOWebSocket

/// An outbound handler that holds every WebSocket frame written through it, promise and all, until `release()`:
/// a peer whose receive window is shut, without depending on how much a kernel socket buffer happens to absorb.
/// Held promises are failed when the channel closes, as NIO does for writes that never reached the wire.
final class WriteGate: ChannelOutboundHandler {
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private var held: [(frame: WebSocketFrame, promise: EventLoopPromise<Void>?)] = []
    /// Every frame that reached the gate, in order, released or not.
    private(set) var frames: [WebSocketFrame] = []
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        frames.append(frame)
        held.append((frame, promise))
    }

    // Nothing is flushed while the gate is shut; `release` flushes.
    func flush(context: ChannelHandlerContext) {}

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        let pending = held
        held = []
        for (_, promise) in pending { promise?.fail(ChannelError.ioOnClosedChannel) }
        context.close(mode: mode, promise: promise)
    }

    /// Lets every held frame through to the channel, completing their writes.
    func release() {
        guard let context else { return }
        let pending = held
        held = []
        for (frame, promise) in pending { context.write(wrapOutboundOut(frame), promise: promise) }
        context.flush()
    }

    /// The text frames that reached the gate.
    var texts: [String] {
        frames.filter { $0.opcode == .text }.map { String(buffer: $0.unmaskedData) }
    }

    /// The status code of the close frame that reached the gate, if one did.
    var closeCode: WebSocketErrorCode? {
        guard var data = frames.first(where: { $0.opcode == .connectionClose })?.unmaskedData else { return nil }
        return data.readWebSocketErrorCode()
    }
}
