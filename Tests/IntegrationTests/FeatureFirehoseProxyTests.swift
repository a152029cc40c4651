import Foundation
import Protocol
import Testing
import TestSupport
@testable import Device
@testable import Relay

/// The network firehose double as the relay's upstream.
struct DoubleFirehoseSource: NetworkFirehoseSource {
    let double: NetworkFirehoseDouble

    func subscribe(after cursor: Int64?) -> AsyncThrowingStream<NetworkFirehoseFrame, any Error> {
        let frames = double.subscribe(after: cursor)
        return AsyncThrowingStream { continuation in
            let task = Task {
                for await frame in frames { continuation.yield(NetworkFirehoseFrame(seq: frame.seq, bytes: frame.bytes)) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// `firehose-proxy` (spec 7.5, 1.2.0; issue 7): network events naming the account reach the desktop
/// over the tunnel, verbatim with their upstream seq; across a desktop sleep the relay holds them and
/// sends them first on the next session, so the desktop sees no gap.
@Suite(.serialized) struct FeatureFirehoseProxyTests {
    @Test func desktopSeesNoGapAcrossASleep() async throws {
        let network = NetworkFirehoseDouble()
        let relay = try await EnrollRelay.start(policy: .preset(.pro), networkFirehose: DoubleFirehoseSource(double: network))
        let (alice, desktop) = try await relay.enrolledDesktop("alice")
        let carol = "did:plc:carolcarolcarolcarolcaro"
        let inbox = desktop.networkInbox
        /// The next `count` events (one waiter at a time, bounded).
        func take(_ count: Int) async throws -> [FirehoseEvent] {
            try await deadline(120) {
                var out: [FirehoseEvent] = []
                for await event in inbox.events {
                    out.append(event)
                    if out.count == count { break }
                }
                return out
            }
        }

        var expected: [Int] = []
        expected.append(Int(network.like(by: carol, of: alice.did)))
        network.unrelatedPost(by: carol)
        expected.append(Int(network.mention(by: carol, of: alice.did)))
        var seen = try await take(2)
        #expect(seen.map(\.seq) == expected)

        // The desktop sleeps; the network goes on.
        await desktop.stop()
        #expect(try await relay.post(alice, "asleep").status == 503)
        expected.append(Int(network.like(by: carol, of: alice.did)))
        network.unrelatedPost(by: carol)
        expected.append(Int(network.mention(by: carol, of: alice.did)))
        let proxy = try #require(await relay.environment.enrollment.firehoseProxy)
        try await deadline(120) {
            while await proxy.heldCount(did: alice.did) < 2 { await Task.yield() }
        }

        // It wakes: the held events come first, then live ones, with no gap.
        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        expected.append(Int(network.like(by: carol, of: alice.did)))
        seen += try await take(3)
        #expect(seen.map(\.seq) == expected)
        // Verbatim upstream frames.
        let upstream = network.subscribe(after: 0)
        var frames: [Int: [UInt8]] = [:]
        for await frame in upstream {
            frames[Int(frame.seq)] = frame.bytes
            if frames.count == 7 { break }
        }
        #expect(seen.allSatisfy { frames[$0.seq] == $0.event })
        print("firehose proxy: \(seen.count) events forwarded across one sleep, seqs \(seen.map(\.seq))")
        await desktop.stop()
        await relay.stop()
        network.stop()
    }
}
