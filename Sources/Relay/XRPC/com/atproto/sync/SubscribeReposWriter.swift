import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// Writes a batch of firehose frames to one WebSocket with one event-loop hop and one flush.
/// `WebSocketOutboundWriter` only writes a frame at a time (each its own hop to the event loop and
/// its own flush/writev), which at 1,000 subscribers floods the event loops the writers' HTTP
/// responses need. Its channel writer (`NIOAsyncChannelOutboundWriter.write(contentsOf:)`) does
/// batches, but is not exposed, so it is found by reflection once per connection; if a
/// hummingbird-websocket update moves it, this falls back to frame-at-a-time writes.
/// Bypassing the handler is sound here because the server neither masks nor runs extensions
/// (no permessage-deflate is configured).
struct SubscribeReposWriter: Sendable {
    let outbound: WebSocketOutboundWriter
    let channelWriter: NIOAsyncChannelOutboundWriter<WebSocketFrame>?

    init(_ outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
        let handler = Mirror(reflecting: outbound).children.first { $0.label == "handler" }?.value
        channelWriter = handler.flatMap { handler in
            Mirror(reflecting: handler).children.first { $0.label == "outbound" }?.value
                as? NIOAsyncChannelOutboundWriter<WebSocketFrame>
        }
    }

    func write(_ frames: [ByteBuffer]) async throws {
        if let channelWriter {
            try Task.checkCancellation()
            try await channelWriter.write(contentsOf: frames.map { WebSocketFrame(fin: true, opcode: .binary, data: $0) })
        } else {
            for frame in frames { try await outbound.write(.binary(frame)) }
        }
    }
}
