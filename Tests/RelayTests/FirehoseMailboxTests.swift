import Foundation
import Testing
@testable import Relay

@Suite struct FirehoseMailboxTests {
    func events(_ seqs: ClosedRange<Int64>) -> [SequencedEvent] {
        seqs.map { SequencedEvent(seq: $0, did: "did:plc:m", type: "#identity", frame: [UInt8(truncatingIfNeeded: $0)]) }
    }

    @Test func pendingBatchesArriveTogetherInOrderWithSharedBytes() async throws {
        let hub = FirehoseHub(bufferLimit: 100)
        let subscription = hub.subscribe()
        let published = events(1...3) + events(4...10)
        hub.publish(Array(published[0..<3]))
        hub.publish(Array(published[3...]))
        let batch = try #require(await subscription.nextBatch())
        #expect(batch == published)
        #expect(batch.allSatisfy { Array($0.wire.readableBytesView) == $0.frame })
        subscription.cancel()
        #expect(await subscription.nextBatch() == nil)
        #expect(hub.subscriberCount == 0)
    }

    @Test func overflowKeepsWhatFitsThenEnds() async throws {
        let hub = FirehoseHub(bufferLimit: 5)
        let subscription = hub.subscribe()
        hub.publish(events(1...3))
        hub.publish(events(4...8))   // only 4 and 5 fit
        hub.publish(events(9...9))   // after the cut: ignored
        #expect(subscription.wasCutOff)
        #expect(hub.subscriberCount == 0)
        var seen: [Int64] = []
        for await event in subscription.events { seen.append(event.seq) }
        #expect(seen == [1, 2, 3, 4, 5])
    }

    @Test func waitingConsumerIsWokenByPublishAndByCancellation() async throws {
        let hub = FirehoseHub()
        let subscription = hub.subscribe()
        let waiting = Task { await subscription.nextBatch() }
        hub.publish(events(1...2))
        #expect(await waiting.value?.map(\.seq) == [1, 2])
        let cancelled = Task { await subscription.nextBatch() }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        #expect(hub.subscriberCount == 0)
    }
}
