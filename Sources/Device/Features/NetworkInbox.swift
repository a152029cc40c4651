import Protocol
import Synchronization

/// Network firehose events about this account that the relay forwards (`firehose-proxy`, spec 7.5):
/// replies, likes, reposts, follows and mentions, for notifications. `events` yields each in the
/// order received (one consumer); `lastSeq` is the upstream seq of the newest.
public final class NetworkInbox: Sendable {
    public let events: AsyncStream<FirehoseEvent>
    private let continuation: AsyncStream<FirehoseEvent>.Continuation
    private let last = Mutex<Int?>(nil)

    public init() {
        (events, continuation) = AsyncStream.makeStream(of: FirehoseEvent.self)
    }

    public var lastSeq: Int? { last.withLock { $0 } }

    func deliver(_ event: FirehoseEvent) {
        last.withLock { $0 = event.seq }
        continuation.yield(event)
    }
}
