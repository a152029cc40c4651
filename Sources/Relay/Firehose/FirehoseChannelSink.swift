import NIOCore

/// One subscribeRepos connection's end of the fan-out, as a handler at the head of its channel's
/// pipeline (below the WebSocket encoder): it writes ready-framed bytes (`FirehoseWebSocketWire`)
/// straight to the socket, so a batch of live events costs this subscriber one write and one flush
/// of a buffer shared with every other subscriber on its event loop, and no task wake-up. Frames
/// hummingbird-websocket writes itself (pong, close) pass through it unchanged, in order.
///
/// Everything but the `async` entry points runs on `loop`. Until `goLive`, live events are held
/// (the session is still replaying from storage); afterwards they go out at once while the socket
/// keeps up, and queue here while NIO reports it unwritable. A subscriber that lets more than
/// `limit` events queue is cut off: what it was not sent yet is dropped, it gets ConsumerTooSlow
/// and its session ends. The writers never wait on any of this.
final class FirehoseChannelSink: ChannelDuplexHandler, @unchecked Sendable {
    // @unchecked: every `var` is touched only on `loop`.
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let loop: any EventLoop
    let limit: Int
    private let end: EventLoopPromise<Bool>
    private var context: ChannelHandlerContext?
    private var hub: FirehoseHub?
    private var live = false
    private var lastSent: Int64 = 0
    private var held: [SequencedEvent] = []
    private var backlog: [ByteBuffer] = []
    private var backlogEvents = 0
    private(set) var finished = false
    private var cut = false

    init(loop: any EventLoop, limit: Int) {
        self.loop = loop
        self.limit = limit
        end = loop.makePromise(of: Bool.self)
    }

    static let sendBufferBytes: SocketOptionValue = 256 << 10

    /// Puts a sink at the head of `channel`'s pipeline.
    static func install(on channel: any Channel, limit: Int) async throws -> FirehoseChannelSink {
        let sink = FirehoseChannelSink(loop: channel.eventLoop, limit: limit)
        do {
            // A fixed kernel send buffer per subscriber (the kernel doubles it): left to autotune,
            // each slow subscriber can hold MiBs of kernel memory, and 1,000 of them push the whole
            // host's TCP into memory pressure, which drops and retransmits the writers' HTTP
            // packets too. What does not fit waits in `backlog` (shared buffers) and counts
            // towards ConsumerTooSlow.
            try await channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: sendBufferBytes).get()
            try await channel.pipeline.addHandler(sink, position: .first).get()
        } catch {
            sink.loop.execute { sink.finish() }   // completes `end` (a promise must not be dropped)
            throw error
        }
        return sink
    }

    // MARK: from the session's task

    /// Frames `payloads` and writes them with one flush; returns once they reached the socket (so a
    /// replay goes no faster than the subscriber reads). Does nothing once the sink has finished.
    func send(_ payloads: [ByteBuffer]) async throws {
        guard !payloads.isEmpty else { return }
        let chunk = FirehoseWebSocketWire.chunk(payloads)
        try await loop.flatSubmit { [self] () -> EventLoopFuture<Void> in
            guard let context, !finished else { return loop.makeSucceededVoidFuture() }
            let promise = loop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(chunk), promise: promise)
            return promise.futureResult
        }.get()
    }

    /// Registers with the hub: every event published after this returns reaches the sink.
    func attach(to hub: FirehoseHub) async throws {
        try await loop.submit { [self] in
            guard !finished else { return }
            self.hub = hub
            hub.attach(self)
        }.get()
    }

    /// Sends what was held back that is newer than `seq` (the replay's last), then live events as
    /// they come.
    func goLive(after seq: Int64) async throws {
        try await loop.submit { [self] in
            guard !finished else { return }
            live = true
            lastSent = seq
            let fresh = held.filter { $0.seq > seq }
            held = []
            if let last = fresh.last {
                emit(FirehoseWebSocketWire.chunk(fresh.map(\.wire)), events: fresh.count)
                lastSent = last.seq
            }
        }.get()
    }

    /// Waits until the stream is over (connection gone, or cut off: true); cancelling ends it.
    func ended() async -> Bool {
        await withTaskCancellationHandler {
            (try? await end.futureResult.get()) ?? false
        } onCancel: {
            loop.execute { self.finish() }
        }
    }

    // MARK: on the loop

    /// A batch of live events in seq order; `chunk` is all of them framed, shared by every sink.
    func deliver(_ events: [SequencedEvent], chunk: ByteBuffer) {
        guard !finished else { return }
        guard live else {
            held.append(contentsOf: events)
            if held.count > limit { cutOff() }
            return
        }
        guard let last = events.last, last.seq > lastSent else { return }
        if events[0].seq > lastSent {
            emit(chunk, events: events.count)
        } else {
            // Overlaps what the replay sent (it can read an event from storage before it is published).
            let fresh = events.filter { $0.seq > lastSent }
            emit(FirehoseWebSocketWire.chunk(fresh.map(\.wire)), events: fresh.count)
        }
        lastSent = last.seq
    }

    private func emit(_ chunk: ByteBuffer, events: Int) {
        guard let context else { return }
        if backlog.isEmpty && context.channel.isWritable {
            context.writeAndFlush(wrapOutboundOut(chunk), promise: nil)
            return
        }
        backlog.append(chunk)
        backlogEvents += events
        if backlogEvents > limit { cutOff() }
    }

    private func cutOff() {
        cut = true
        held = []
        backlog = []
        backlogEvents = 0
        if let context {
            let error = ByteBuffer(bytes: FirehoseFrame.error("ConsumerTooSlow", message: "Stream consumer too slow"))
            context.writeAndFlush(wrapOutboundOut(FirehoseWebSocketWire.chunk(CollectionOfOne(error))), promise: nil)
        }
        finish()
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        held = []
        backlog = []
        backlogEvents = 0
        hub?.detached()
        hub = nil
        end.succeed(cut)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, !backlog.isEmpty, !finished {
            for chunk in backlog { context.write(wrapOutboundOut(chunk), promise: nil) }
            backlog = []
            backlogEvents = 0
            context.flush()
        }
        context.fireChannelWritabilityChanged()
    }
}
