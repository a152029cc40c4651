import Foundation
import Synchronization

/// Fan-out of freshly sequenced events to live subscribers. Publishing never waits, and a subscriber
/// that falls too far behind is cut off (and told ConsumerTooSlow) instead of slowing the writers or
/// the other subscribers. Two kinds of subscriber:
/// - WebSocket connections (`FirehoseChannelSink`): publishing hands the batch to each event loop's
///   `FirehoseLoopFanout` (a lock and at most one wake-up per loop, whatever the number of
///   subscribers); each loop then writes the batch to its own connections.
/// - in-process consumers (`subscribe()`, a bounded mailbox each): filled on the publisher's thread,
///   so they are for tests and the odd internal reader, not for many subscribers.
public final class FirehoseHub: Sendable {
    public final class Subscription: Sendable {
        let mailbox: FirehoseMailbox
        public var wasCutOff: Bool { mailbox.wasCutOff }
        /// Events delivered to this subscriber and not read yet.
        var pendingCount: Int { mailbox.pendingCount }
        /// Unregisters from the hub (also what happens when the consuming task is cancelled).
        public func cancel() { mailbox.finish() }
        /// Everything delivered since the last call, in seq order; nil when the stream is over.
        public func nextBatch() async -> [SequencedEvent]? { await mailbox.nextBatch() }
        /// The same events one at a time.
        public var events: Events { Events(subscription: self) }

        fileprivate init(mailbox: FirehoseMailbox) { self.mailbox = mailbox }
    }

    public struct Events: AsyncSequence, Sendable {
        public typealias Element = SequencedEvent
        let subscription: Subscription

        public struct AsyncIterator: AsyncIteratorProtocol {
            let subscription: Subscription
            var batch: [SequencedEvent] = []
            var index = 0

            public mutating func next() async -> SequencedEvent? {
                if index == batch.count {
                    guard let next = await subscription.nextBatch() else { return nil }
                    batch = next
                    index = 0
                }
                defer { index += 1 }
                return batch[index]
            }
        }

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: subscription) }
    }

    private let subscribers = Mutex([ObjectIdentifier: Subscription]())
    /// One per event loop that has had a subscriber; never removed (there are as many as cores).
    private let fanouts = Mutex([FirehoseLoopFanout]())
    private let sinkCount = Atomic<Int>(0)
    /// 10: fan-out takes about 1/11 of a loop. At 1,000 subscribers on two cores (before
    /// `FirehoseLoopFanout.maximumGap` capped the wait) that let writers do 1,110-1,450 writes/s
    /// against 660-850 at 3, every subscriber still receiving every event; the delay it adds is ten
    /// times a delivery's own time (microseconds when few are listening), at most 10 ms.
    private let pacingFactor = Atomic<Int>(10)
    /// How much longer than a delivery to its WebSocket subscribers each event loop waits before
    /// the next (see `FirehoseLoopFanout`); 0 delivers as soon as the loop gets to it.
    public var pacing: Int {
        get { pacingFactor.load(ordering: .relaxed) }
        set { pacingFactor.store(max(newValue, 0), ordering: .relaxed) }
    }
    public let bufferLimit: Int

    public init(bufferLimit: Int = 4096) {
        self.bufferLimit = bufferLimit
    }

    public func subscribe() -> Subscription {
        let box = Mutex<ObjectIdentifier?>(nil)
        let mailbox = FirehoseMailbox(limit: bufferLimit) { [weak self] in
            guard let id = box.withLock({ $0 }) else { return }
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        let subscription = Subscription(mailbox: mailbox)
        let id = ObjectIdentifier(subscription)
        box.withLock { $0 = id }
        subscribers.withLock { $0[id] = subscription }
        return subscription
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } + sinkCount.load(ordering: .relaxed) }

    /// On `sink`'s loop (see `FirehoseChannelSink.attach`).
    func attach(_ sink: FirehoseChannelSink) {
        sinkCount.add(1, ordering: .relaxed)
        let fanout = fanouts.withLock { list in
            if let found = list.first(where: { $0.loop === sink.loop }) { return found }
            let made = FirehoseLoopFanout(loop: sink.loop) { [weak self] in self?.pacing ?? 0 }
            list.append(made)
            return made
        }
        fanout.add(sink)
    }

    /// Once per attached sink, when it finishes.
    func detached() { sinkCount.subtract(1, ordering: .relaxed) }

    func publish(_ event: SequencedEvent) { publish([event]) }

    /// A batch in seq order, from the sequencer's writer (batches never overlap or reorder). Each
    /// event loop with WebSocket subscribers gets it in one append; each in-process subscriber in
    /// one append to its mailbox. The frames' bytes are shared, not copied.
    func publish(_ events: [SequencedEvent]) {
        guard !events.isEmpty else { return }
        for fanout in fanouts.withLock({ $0 }) { fanout.enqueue(events) }
        let current = subscribers.withLock { $0.isEmpty ? [] : Array($0.values) }
        for subscription in current {
            subscription.mailbox.append(events)
        }
    }
}
