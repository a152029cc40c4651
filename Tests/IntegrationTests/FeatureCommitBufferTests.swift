import Foundation
import Protocol
import Testing
@testable import Device
@testable import Relay

/// `commit-buffer` per tier (spec 8.1, 8.2; issue 7): the relay's firehose keeps an enrolled
/// account's commits for the tier's retention, replays cursors inside it, and answers a cursor
/// outside it with `#info OutdatedCursor` before going on live. The relay's clock is moved instead
/// of sleeping.
@Suite(.serialized) struct FeatureCommitBufferTests {
    @Test func tiersGrantTheirRetention() throws {
        #expect(RelayPolicy.preset(.free).offered[.commitBuffer]?.retentionDays == 7)
        #expect(RelayPolicy.preset(.pro).offered[.commitBuffer]?.retentionDays == 30)
        #expect(RelayPolicy.preset(.business).offered[.commitBuffer]?.retentionDays == 90)
        let byo = try RelayPolicy(configuration: RelayPolicyConfiguration(tier: "byo", features: ["commit-buffer"], retentionDays: 3))
        #expect(byo.offered[.commitBuffer]?.retentionDays == 3)
        // A device asking for more gets the tier's ceiling, never more.
        let granted = RelayPolicy.preset(.free).grant(DeviceSession.Configuration.allFeatures(retentionDays: 90))
        #expect(granted[Feature.commitBuffer.rawValue]?.retentionDays == 7)
    }

    @Test func replaysInsideTheWindowAndSaysOutdatedOutside() async throws {
        let relay = try await EnrollRelay.start(policy: .preset(.free))
        let (alice, desktop) = try await relay.enrolledDesktop("alice")
        for i in 1...3 { #expect(try await relay.post(alice, "buffered \(i)").status == 200) }
        let seqs = try await relay.seqs()
        let enrollment = relay.environment.enrollment
        #expect(await enrollment.retentionDays == 7)
        let start = Int(Date().timeIntervalSince1970)

        // Six days on: everything is inside the window; a cursor replays what follows it.
        await enrollment.setClock { start + 6 * 86_400 }
        await enrollment.pruneCommitBuffer()
        #expect(try await relay.environment.sequencer.bounds().oldest == seqs.first)
        let inside = FirehoseTap.start(relay, cursor: seqs[seqs.count - 3])
        let replayed = try await deadline(120) { await inside.next(2) }
        #expect(replayed.map(\.type) == ["#commit", "#commit"])
        #expect(replayed.map { $0.body.seq } == Array(seqs.suffix(2)))
        inside.stop()

        // Eight days on: the buffer is pruned down to the newest event.
        await enrollment.setClock { start + 8 * 86_400 }
        await enrollment.pruneCommitBuffer()
        #expect(try await relay.environment.sequencer.bounds().oldest == seqs.last)
        let outside = FirehoseTap.start(relay, cursor: seqs[0])
        let told = try await deadline(120) { await outside.next(2) }
        #expect(told.first?.type == "#info")
        #expect(told.first?.body["name"]?.stringValue == "OutdatedCursor")
        #expect(told.last?.body.seq == seqs.last)
        // ... and the subscriber goes on live.
        #expect(try await relay.post(alice, "after the gap").status == 200)
        let live = try await deadline(120) { await outside.next(1) }
        #expect(live.first?.type == "#commit")
        #expect(live.first?.body.seq == (seqs.last ?? 0) + 1)
        print("commit buffer: \(seqs.count) events, window 7 days, replayed 2, outdated cursor told once")
        outside.stop()
        await desktop.stop()
        await relay.stop()
    }

    @Test func withoutCommitBufferTheFirehoseLogIsKept() async throws {
        let relay = try await EnrollRelay.start(policy: try RelayPolicy(configuration: RelayPolicyConfiguration(tier: "byo")))
        let (alice, desktop) = try await relay.enrolledDesktop("bob")
        #expect(try await relay.post(alice, "kept").status == 200)
        let oldest = try await relay.environment.sequencer.bounds().oldest
        await relay.environment.enrollment.setClock { Int(Date().timeIntervalSince1970) + 400 * 86_400 }
        await relay.environment.enrollment.pruneCommitBuffer()
        #expect(try await relay.environment.sequencer.bounds().oldest == oldest)
        await desktop.stop()
        await relay.stop()
    }
}
