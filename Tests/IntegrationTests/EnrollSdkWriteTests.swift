import Foundation
import Protocol
import Testing
import TestSupport
@testable import Device
@testable import Relay

/// Enrolled writes through the real PyPI `atproto` SDK (tests/peers/enroll_sdk_writes.py): the
/// client sees the same answers as in mobile-only mode, and 503 once the desktop is stopped.
/// Not covered here: uploadBlob + a post with an image (blob-forwarding is not wired yet).
@Suite(.serialized) struct EnrollSdkWriteTests {
    static func sdk(_ relay: EnrollRelay, _ account: EnrollRelay.Account, phase: String) async throws -> [String: Any] {
        // Off the cooperative pool (Peers.run's async form): the peer blocks while the relay and desktop need threads.
        let data = try await Peers.run("enroll_sdk_writes.py", [relay.base, account.handle, "hunter2-alice", phase])
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func sdkWritesWhileEnrolledAnd503WhenTheDesktopStops() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await EnrollWritePathTests.paired(relay, "alice")

        let enrolled = try await Self.sdk(relay, alice, phase: "enrolled")
        let checks = enrolled["checks"] as? [String] ?? []
        print("enroll_sdk_writes.py enrolled: \(checks.count) checks passed")
        #expect(checks.count >= 14)
        // The desktop holds what the SDK wrote: its head is the relay's.
        let head = try #require(await desktop.headForTesting())
        let relayHead = try #require(try await relay.environment.repo?.head(did: alice.did))
        #expect(head.rev == relayHead.rev && head.commit == relayHead.cid)

        await desktop.stop()
        let offline = try await Self.sdk(relay, alice, phase: "offline")
        let offlineChecks = offline["checks"] as? [String] ?? []
        print("enroll_sdk_writes.py offline: \(offlineChecks.count) checks passed")
        #expect(offlineChecks.count >= 5)
        #expect(offline["uris"] as? [String] == enrolled["uris"] as? [String])

        let seqs = try await relay.seqs()
        #expect(seqs == Array(1...Int64(seqs.count)))
        await relay.stop()
    }
}
