import Foundation
import Testing
import TestSupport
@testable import Relay

@Suite(.serialized) struct RelayAccountTests {
    /// Invite codes on (`PDS_INVITE_REQUIRED=true`), then deactivate/activate; every change of
    /// hosting status reaches the firehose as `#account` (and `#identity` on reactivation).
    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func invitesAndActivation() async throws {
        let relay = try await RelayHarness.start { $0.inviteRequired = true }
        defer { Task { await relay.stop() } }
        let code = try await relay.environment.accounts.createInviteCode(uses: 1, createdAt: RelayClock.now())
        let result = try await relay.peer("relay_sdk_accounts.py", [code])
        print("relay_sdk_accounts.py: \((result["checks"] as? [String] ?? []).count) checks passed")
        let did = try #require(result["did"] as? String)
        let events = try await relay.environment.sequencer.events(after: 0, limit: 100)
        #expect(events.map(\.type) == ["#identity", "#account", "#commit", "#account", "#identity", "#account", "#sync"])
        #expect(events.allSatisfy { $0.did == did })
        await relay.stop()
    }
}
