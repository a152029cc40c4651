import NIOCore

/// One subscribeRepos connection, independent of the socket: replay from a cursor, then live events,
/// each sent through `send` as the shared bytes the sequencer encoded once. Returns when the stream
/// ends; the caller closes the connection.
public struct FirehoseSession: Sendable {
    let sequencer: Sequencer
    let hub: FirehoseHub
    let replayPageSize = 500

    public init(sequencer: Sequencer, hub: FirehoseHub) {
        self.sequencer = sequencer
        self.hub = hub
    }

    /// For in-process consumers that want plain bytes (tests, the firehose proxy).
    public func run(cursor: Int64?, send: @Sendable ([UInt8]) async throws -> Void) async throws {
        try await run(cursor: cursor, write: { try await send(Array($0.readableBytesView)) })
    }

    public func run(cursor: Int64?, write send: @Sendable (ByteBuffer) async throws -> Void) async throws {
        var lastSent: Int64 = 0
        let subscription: FirehoseHub.Subscription
        if let cursor {
            let bounds = try await sequencer.bounds()
            if cursor > bounds.latest {
                try await send(ByteBuffer(bytes: FirehoseFrame.error("FutureCursor", message: "Cursor in the future.")))
                return
            }
            lastSent = cursor
            if let oldest = bounds.oldest, cursor + 1 < oldest {
                try await send(ByteBuffer(bytes: FirehoseFrame.info("OutdatedCursor", message: "Requested cursor exceeded limit. Possibly missing events")))
            }
            // Catch up from storage first, then subscribe and read once more: anything sequenced
            // between the two reads arrives twice and is skipped by seq below, so nothing is lost.
            try await replay(after: &lastSent, send: send)
            subscription = hub.subscribe()
            try await replay(after: &lastSent, send: send)
        } else {
            subscription = hub.subscribe()
        }
        defer { subscription.cancel() }
        // Whatever piled up while the last batch was being written goes out back to back.
        while let batch = await subscription.nextBatch() {
            for event in batch where event.seq > lastSent {
                try await send(event.wire)
                lastSent = event.seq
            }
        }
        if subscription.wasCutOff {
            try await send(ByteBuffer(bytes: FirehoseFrame.error("ConsumerTooSlow", message: "Stream consumer too slow")))
        }
    }

    private func replay(after lastSent: inout Int64, send: @Sendable (ByteBuffer) async throws -> Void) async throws {
        while true {
            let page = try await sequencer.events(after: lastSent, limit: replayPageSize)
            for event in page {
                try await send(event.wire)
                lastSent = event.seq
            }
            if page.count < replayPageSize { return }
        }
    }
}
