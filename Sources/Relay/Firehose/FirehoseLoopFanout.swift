import NIOCore
import Synchronization

/// The live subscribers whose connections live on one event loop. Publishing appends the batch
/// here under a short lock and, unless a delivery is already pending, schedules one on the loop:
/// the writer's cost does not depend on the number of subscribers. The loop then frames the
/// batch once and hands the same bytes to each of its subscribers. Batches published while a
/// delivery is pending ride along with it, so a busy loop writes fewer, larger batches.
///
/// Paced: after a delivery that took D, the next one starts no sooner than `pacing` x D later, so
/// fan-out holds at most 1/(1+pacing) of the loop, which it shares with the writers' HTTP requests,
/// however many subscribers there are. More subscribers then mean larger batches (fewer syscalls
/// per event) and a few milliseconds more latency, not slower writers.
final class FirehoseLoopFanout: @unchecked Sendable {
    // @unchecked: `sinks` is touched only on `loop`; the rest is behind `inbox`'s lock.
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
        if NIODeadline.now() < nextDelivery {
            loop.scheduleTask(deadline: nextDelivery) { self.deliver() }
        } else {
            deliver()
        }
    }

    private func deliver() {
        let started = NIODeadline.now()
        defer {
            let ended = NIODeadline.now()
            nextDelivery = ended + (ended - started) * pacing()
        }
        let (events, added) = inbox.withLock { s in
            defer {
                s.pending = []
                s.added = []
                s.scheduled = false
            }
            return (s.pending, s.added)
        }
        sinks.append(contentsOf: added)
        let chunk = events.isEmpty ? ByteBuffer() : FirehoseWebSocketWire.chunk(events.lazy.map(\.wire))
        var someFinished = false
        for sink in sinks {
            if !events.isEmpty { sink.deliver(events, chunk: chunk) }
            if sink.finished { someFinished = true }
        }
        if someFinished { sinks.removeAll { $0.finished } }
    }
}
