import HummingbirdWebSocket
import NIOCore
import ServiceLifecycle

/// `com.atproto.sync.subscribeRepos`: the firehose over WebSocket. Reads from the client only to
/// notice it leaving; the session's sends are its only writes.
enum SubscribeRepos {
    static func serve(session: FirehoseSession, cursorText: String?, inbound: WebSocketInboundStream,
                      outbound: WebSocketOutboundWriter) async throws {
        // One WebSocket frame per event, a batch of them per flush; the bytes are shared with every
        // other subscriber.
        let writer = SubscribeReposWriter(outbound)
        let send: @Sendable (ByteBuffer) async throws -> Void = { try await writer.write([$0]) }
        let cursor = cursorText.map { Int64($0) ?? -1 }
        if let cursor, cursor < 0 {
            try await send(ByteBuffer(bytes: FirehoseFrame.error("InvalidRequest", message: "cursor must be a non-negative integer")))
            return
        }
        // A graceful shutdown ends open subscriptions instead of waiting on them forever.
        try await cancelWhenGracefulShutdown {
          try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await _ in inbound {}
            }
            group.addTask {
                try await session.run(cursor: cursor, write: { try await writer.write($0) })
            }
            // Whichever ends first (client gone, or stream over) ends the other.
            _ = try await group.next()
            group.cancelAll()
          }
        }
    }
}
