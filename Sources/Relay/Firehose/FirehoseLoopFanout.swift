import NIOCore
import Synchronization

/// The live subscribers whose connections live on one event loop. Publishing appends the batch
/// here under a short lock and, unless a delivery is already pending, schedules one on the loop:
/// the writer's cost does not depend on the number of subscribers. The loop then frames the
/// batch once and hands the same bytes to each of its subscribers. Batches published while a
/// delivery is pending ride along with it, so a busy loop writes fewer, larger batches.
///
/// Paced: after a delivery that took D, the next one starts no sooner than `pacing` x D later (but
/// within `maximumGap`), so fan-out holds about 1/(1+pacing) of the loop, which it shares with the
/// writers' HTTP requests, however many subscribers there are. More subscribers then mean larger
/// batches (fewer syscalls per event) and a few milliseconds more latency.
final class FirehoseLoopFanout: @unchecked Sendable {
    // @unchecked: `sinks` and the round's state are touched only on `loop`; the rest is behind `inbox`'s lock.
    private struct Inbox {
        var pending: [SequencedEvent] = []
        var added: [FirehoseChannelSink] = []
        var scheduled = false
    }

    let loop: any EventLoop
    private let pacing: @Sendable () -> Int
    private let inbox = Mutex(Inbox())
    private var sinks: [FirehoseChannelSink] = []
    private var nextDelivery = NIODeadline.uptimeNanoseconds(0)
    private var inRound = false
    private var finishedSeen = false

    init(loop: any EventLoop, pacing: @escaping @Sendable () -> Int) {
        self.loop = loop
        self.pacing = pacing
    }

    func enqueue(_ events: [SequencedEvent]) {
        let schedule = inbox.withLock { s in
            s.pending.append(contentsOf: events)
            defer { s.scheduled = true }
            return !s.scheduled
        }
        if schedule { loop.execute { self.deliverWhenDue() } }
    }

    /// From `sink`'s loop: it gets every batch enqueued after this (and maybe one from just before;
    /// sinks skip what they already sent by seq).
    func add(_ sink: FirehoseChannelSink) {
        let schedule = inbox.withLock { s in
            s.added.append(sink)
            defer { s.scheduled = true }
            return !s.scheduled
        }
        if schedule { loop.execute { self.deliverWhenDue() } }
    }

    private func deliverWhenDue() {
        // A round under way delivers what came meanwhile when it ends (one round at a time keeps
        // every sink's batches in order).
        if inRound { return }
        if NIODeadline.now() < nextDelivery {
            loop.scheduleTask(deadline: nextDelivery) { self.deliver() }
        } else {
            deliver()
        }
    }

    private func deliver() {
        if inRound { return }
        let (events, added) = inbox.withLock { s in
            defer {
                s.pending = []
                s.added = []
                s.scheduled = false
            }
            return (s.pending, s.added)
        }
        sinks.append(contentsOf: added)
        inRound = true
        let chunk = events.isEmpty ? ByteBuffer() : FirehoseWebSocketWire.chunk(events.lazy.map(\.wire))
        deliverSlice(events, chunk, from: 0, busy: .nanoseconds(0))
    }

    /// A round goes out `sliceSize` sinks per loop turn, so the loop's other work (the writers'
    /// HTTP requests) never waits for a thousand socket writes in a row (at pacing 3 and 1,000
    /// subscribers, writers' p99 went from 436 ms to 164 ms). 32: the 100 subscribers of
    /// `RelayFanoutSocketTests`, on two loops, take two turns a round.
    private func deliverSlice(_ events: [SequencedEvent], _ chunk: ByteBuffer, from start: Int, busy: TimeAmount) {
        let started = NIODeadline.now()
        let end = min(start + Self.sliceSize, sinks.count)
        for sink in sinks[start..<end] {
            if !events.isEmpty { sink.deliver(events, chunk: chunk) }
            if sink.finished { finishedSeen = true }
        }
        let spent = busy + (NIODeadline.now() - started)
        if end < sinks.count {
            loop.execute { self.deliverSlice(events, chunk, from: end, busy: spent) }
            return
        }
        if finishedSeen { sinks.removeAll { $0.finished } }
        finishedSeen = false
        inRound = false
        nextDelivery = NIODeadline.now() + min(spent * pacing(), Self.maximumGap)
        let more = inbox.withLock { !$0.pending.isEmpty || !$0.added.isEmpty }
        if more { deliverWhenDue() }
    }

    static let sliceSize = 32
    /// However long a round took, the next comes within this: a longer gap lets more events pile up
    /// for the next round, and the burst of a thousand sockets' writes then queues ahead of the
    /// writers' HTTP responses on the same host. At a fixed 500 writes/s and 1,000 subscribers,
    /// writers' p99 was 146-181 ms with the gap uncapped (pacing 10) and 19 ms with this cap
    /// (9-11 ms without subscribers).
    static let maximumGap = TimeAmount.milliseconds(10)
}
