import Foundation
import Synchronization

/// Fan-out of freshly sequenced events to live subscribers. Publishing never waits: each subscriber
/// has a bounded buffer, and one that lets it fill is cut off (and told ConsumerTooSlow) instead of
/// slowing the writers or the other subscribers.
public final class FirehoseHub: Sendable {
    public final class Subscription: Sendable {
        public let events: AsyncStream<SequencedEvent>
        let continuation: AsyncStream<SequencedEvent>.Continuation
        private let cut = Mutex(false)
        public var wasCutOff: Bool { cut.withLock { $0 } }
        fileprivate func markCut() { cut.withLock { $0 = true } }
        /// Unregisters from the hub (also what happens when the consuming task is cancelled).
        public func cancel() { continuation.finish() }

        fileprivate init(bufferLimit: Int) {
            (events, continuation) = AsyncStream.makeStream(of: SequencedEvent.self,
                                                            bufferingPolicy: .bufferingOldest(bufferLimit))
        }
    }

    private let subscribers = Mutex([ObjectIdentifier: Subscription]())
    public let bufferLimit: Int

    public init(bufferLimit: Int = 4096) {
        self.bufferLimit = bufferLimit
    }

    public func subscribe() -> Subscription {
        let subscription = Subscription(bufferLimit: bufferLimit)
        let id = ObjectIdentifier(subscription)
        subscribers.withLock { $0[id] = subscription }
        subscription.continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { _ = $0.removeValue(forKey: id) }
        }
        return subscription
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    func publish(_ event: SequencedEvent) { publish([event]) }

    /// A batch in seq order: the subscriber list is copied once for all of it.
    func publish(_ events: [SequencedEvent]) {
        guard !events.isEmpty else { return }
        let current = subscribers.withLock { Array($0.values) }
        for subscription in current {
            for event in events {
                if case .dropped = subscription.continuation.yield(event) {
                    subscription.markCut()
                    subscription.continuation.finish()
                    break
                }
            }
        }
    }
}
