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
        try await run(cursor: cursor, write: { frames in
            for frame in frames { try await send(Array(frame.readableBytesView)) }
        })
    }

    /// `write` gets frames in order, as many at a time as are ready (a replay page, or everything
    /// that piled up while the previous batch was being written), to go out with one flush.
    public func run(cursor: Int64?, write: @Sendable ([ByteBuffer]) async throws -> Void) async throws {
        func send(_ frame: ByteBuffer) async throws { try await write([frame]) }
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
            try await replay(after: &lastSent, write: write)
            subscription = hub.subscribe()
            try await replay(after: &lastSent, write: write)
        } else {
            subscription = hub.subscribe()
        }
        defer { subscription.cancel() }
        // Whatever piled up while the last batch was being written goes out back to back.
        while let batch = await subscription.nextBatch() {
            let fresh = batch.filter { $0.seq > lastSent }
            guard let last = fresh.last else { continue }
            try await write(fresh.map(\.wire))
            lastSent = last.seq
        }
        if subscription.wasCutOff {
            try await send(ByteBuffer(bytes: FirehoseFrame.error("ConsumerTooSlow", message: "Stream consumer too slow")))
        }
    }

    /// The WebSocket path: frames go to the connection through `sink` (its channel, directly), and
    /// live events reach it on its own event loop from the hub (`FirehoseLoopFanout`), not through
    /// this task, which only replays and then waits for the stream to end.
    func run(cursor: Int64?, sink: FirehoseChannelSink) async throws {
        let write: @Sendable ([ByteBuffer]) async throws -> Void = { try await sink.send($0) }
        var lastSent: Int64 = 0
        if let cursor {
            let bounds = try await sequencer.bounds()
            if cursor > bounds.latest {
                try await write([ByteBuffer(bytes: FirehoseFrame.error("FutureCursor", message: "Cursor in the future."))])
                return
            }
            lastSent = cursor
            if let oldest = bounds.oldest, cursor + 1 < oldest {
                try await write([ByteBuffer(bytes: FirehoseFrame.info("OutdatedCursor", message: "Requested cursor exceeded limit. Possibly missing events"))])
            }
            // As above: catch up, attach (live events are held from here on), catch up again; the
            // sink drops what the second read already sent, by seq.
            try await replay(after: &lastSent, write: write)
            try await sink.attach(to: hub)
            try await replay(after: &lastSent, write: write)
        } else {
            try await sink.attach(to: hub)
        }
        try await sink.goLive(after: lastSent)
        // A cut-off sink has already queued ConsumerTooSlow behind what it sent.
        _ = await sink.ended()
    }

    private func replay(after lastSent: inout Int64, write: @Sendable ([ByteBuffer]) async throws -> Void) async throws {
        while true {
            let page = try await sequencer.publishedEvents(after: lastSent, limit: replayPageSize)
            if let last = page.last {
                try await write(page.map(\.wire))
                lastSent = last.seq
            }
            if page.count < replayPageSize { return }
        }
    }
}
