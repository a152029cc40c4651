import Foundation
import Protocol
import Testing
@testable import Relay

/// subscribeRepos over a real WebSocket while events keep being sequenced: the connection replays
/// more than a page from storage, is attached to the live fan-out mid-stream, and must see every
/// seq exactly once and in order, each event its own final binary frame.
@Suite(.serialized) struct FirehoseLiveHandoverTests {
    @Test func replayThenLiveUnderConcurrentWritesLosesAndRepeatsNothing() async throws {
        let relay = try await RelayHarness.start()
        let sequencer = relay.environment.sequencer
        let did = "did:plc:handover"
        let before = 600, during = 300   // more than one replay page (500) before connecting
        for _ in 0..<before { try sequencer.accountEvent(did: did, active: true, status: nil) }
        // Seqs 1...base exist; `during` more follow while the client catches up.
        let base = try await sequencer.bounds().latest

        let writer = Task.detached {
            for _ in 0..<during { try sequencer.accountEvent(did: did, active: true, status: nil) }
        }
        let last = base + Int64(during)
        let messages = try await FirehoseRawSocket.readMessages(port: relay.port, query: "?cursor=0") { payload in
            try FirehoseTestFrames.body(payload)["seq"]?.integerValue == last
        }
        try await writer.value
        let seqs = try messages.map { try FirehoseTestFrames.body($0)["seq"]?.integerValue ?? -1 }
        #expect(seqs == Array(1...last))
        #expect(try messages.allSatisfy { try FirehoseTestFrames.split($0).header["t"]?.stringValue == "#account" })
        #expect(relay.environment.hub.subscriberCount <= 1)
        await relay.stop()
    }

    @Test func liveOnlySubscriberGetsWhatFollows() async throws {
        let relay = try await RelayHarness.start()
        let sequencer = relay.environment.sequencer
        let did = "did:plc:liveonly"
        try sequencer.accountEvent(did: did, active: true, status: nil)
        let first = try await sequencer.bounds().latest + 1
        let reading = Task {
            try await FirehoseRawSocket.readMessages(port: relay.port, query: "") { payload in
                try FirehoseTestFrames.body(payload)["seq"]?.integerValue == first + 49
            }
        }
        // Wait (bounded) until the connection is attached before writing.
        let deadline = Date().addingTimeInterval(60)
        while relay.environment.hub.subscriberCount < 1 {
            try #require(Date() < deadline, "the subscriber never reached the hub")
            try await Task.sleep(for: .milliseconds(10))
        }
        for _ in 0..<50 { try sequencer.accountEvent(did: did, active: true, status: nil) }
        let seqs = try await reading.value.map { try FirehoseTestFrames.body($0)["seq"]?.integerValue ?? -1 }
        #expect(seqs == Array(first...(first + 49)))
        await relay.stop()
    }
}
