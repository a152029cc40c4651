/// One subscribeRepos connection, independent of the socket: replay from a cursor, then live events,
/// each sent through `send`. Returns when the stream ends; the caller closes the connection.
public struct FirehoseSession: Sendable {
    let sequencer: Sequencer
    let hub: FirehoseHub
    let replayPageSize = 500

    public init(sequencer: Sequencer, hub: FirehoseHub) {
        self.sequencer = sequencer
        self.hub = hub
    }

    public func run(cursor: Int64?, send: @Sendable ([UInt8]) async throws -> Void) async throws {
        var lastSent: Int64 = 0
        let subscription: FirehoseHub.Subscription
        if let cursor {
            let bounds = try await sequencer.bounds()
            if cursor > bounds.latest {
                try await send(FirehoseFrame.error("FutureCursor", message: "Cursor in the future."))
                return
            }
            lastSent = cursor
            if let oldest = bounds.oldest, cursor + 1 < oldest {
                try await send(FirehoseFrame.info("OutdatedCursor", message: "Requested cursor exceeded limit. Possibly missing events"))
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
        for await event in subscription.events {
            if event.seq <= lastSent { continue }
            try await send(event.frame)
            lastSent = event.seq
        }
        if subscription.wasCutOff {
            try await send(FirehoseFrame.error("ConsumerTooSlow", message: "Stream consumer too slow"))
        }
    }

    private func replay(after lastSent: inout Int64, send: @Sendable ([UInt8]) async throws -> Void) async throws {
        while true {
            let page = try await sequencer.events(after: lastSent, limit: replayPageSize)
            for event in page {
                try await send(event.frame)
                lastSent = event.seq
            }
            if page.count < replayPageSize { return }
        }
    }
}
