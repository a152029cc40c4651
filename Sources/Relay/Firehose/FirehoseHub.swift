import Foundation
import Synchronization

/// Fan-out of freshly sequenced events to live subscribers. Publishing never waits: each subscriber
/// has a bounded mailbox, and one that lets it fill is cut off (and told ConsumerTooSlow) instead of
/// slowing the writers or the other subscribers.
public final class FirehoseHub: Sendable {
    public final class Subscription: Sendable {
        let mailbox: FirehoseMailbox
        public var wasCutOff: Bool { mailbox.wasCutOff }
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

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    func publish(_ event: SequencedEvent) { publish([event]) }

    /// A batch in seq order: the subscriber list is copied once, and each subscriber gets the whole
    /// batch in one append (the frames' bytes are shared, not copied).
    func publish(_ events: [SequencedEvent]) {
        guard !events.isEmpty else { return }
        let current = subscribers.withLock { Array($0.values) }
        for subscription in current {
            subscription.mailbox.append(events)
        }
    }
}
