import HummingbirdWebSocket
import NIOCore
import ServiceLifecycle

/// `com.atproto.sync.subscribeRepos`: the firehose over WebSocket. Reads from the client only to
/// notice it leaving. The session writes through a `FirehoseChannelSink` on the connection's own
/// channel (from `SubscribeReposContext`): one WebSocket frame per event, a batch of them per write
/// and flush, the bytes shared with every other subscriber on the same event loop.
enum SubscribeRepos {
    static func serve(session: FirehoseSession, cursorText: String?, channel: any Channel,
                      inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let cursor = cursorText.map { Int64($0) ?? -1 }
        if let cursor, cursor < 0 {
            try await outbound.write(.binary(ByteBuffer(bytes: FirehoseFrame.error("InvalidRequest", message: "cursor must be a non-negative integer"))))
            return
        }
        let sink = try await FirehoseChannelSink.install(on: channel, limit: session.hub.bufferLimit)
        // A graceful shutdown ends open subscriptions instead of waiting on them forever.
        try await cancelWhenGracefulShutdown {
          try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await _ in inbound {}
            }
            group.addTask {
                try await session.run(cursor: cursor, sink: sink)
            }
            // Whichever ends first (client gone, or stream over) ends the other.
            _ = try await group.next()
            group.cancelAll()
          }
        }
    }
}
