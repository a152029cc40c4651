import Foundation
import Protocol
import Testing
@testable import Device
@testable import Relay

/// A bring-your-own relay that grants no optional feature (spec 8.2, 8.3): the desktop negotiates,
/// says what the user is missing, and the core path (pairing, promotion, writes, acks) still works.
@Suite(.serialized) struct ByoEnrollTests {
    @Test func noFeaturesGrantedStillPairsAndWrites() async throws {
        let policy = try RelayPolicy(configuration: RelayPolicyConfiguration(tier: "byo"))
        #expect(policy.offered.isEmpty)
        let relay = try await EnrollRelay.start(policy: policy)
        let alice = try await relay.createAccount("alice")
        let lines = Lines()
        let desktop = try makeDesktop(lines)
        let ticket = try await relay.ticket(for: alice)
        try await deadline(300) { try await desktop.pair(ticket) }
        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }

        for feature in Feature.allCases {
            let message = Degradation.whenMissing(feature).userMessage
            #expect(lines.all.contains { $0.contains(message) }, "missing degradation for \(feature.rawValue)")
        }
        #expect(await desktop.lastDegradations.count == Feature.allCases.count)

        #expect(try await relay.post(alice, "core path on a BYO relay").status == 200)
        // Without commit-ack-seq the ack carries no seq; the commit is still on the firehose.
        let local = try await desktop.write([Desktop.post(text: "from the desktop")])
        guard case .pushed(let seq, _, _) = local else { Issue.record("not pushed: \(local)"); return }
        #expect(seq == nil)
        let commits = try await relay.environment.sequencer.events(after: 0, limit: 100).filter { $0.type == "#commit" }
        #expect(commits.count == 3)
        // No commit buffer: retention 0, pruning keeps only each account's head ack.
        #expect(await relay.environment.enrollment.retentionDays == 0)
        await desktop.stop()
        await relay.stop()
    }
}
