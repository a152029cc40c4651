import Foundation
import Protocol
import Testing
@testable import Device
@testable import Relay

/// `dpds relay devices revoke` (another process, writing the relay's store) closes the desktop's
/// live session at once; the desktop says why and stops reconnecting.
@Suite(.serialized) struct EnrollRevokeTests {
    @Test func revokeFromAnotherProcessClosesTheLiveSession() async throws {
        let relay = try await EnrollRelay.start()
        let lines = Lines()
        let (alice, desktop) = try await EnrollWritePathTests.paired(relay, "alice", lines: lines)
        #expect(try await relay.post(alice, "while paired").status == 200)

        // What the CLI does: its own connection to the relay's enrollment database.
        let cli = try EnrollmentStore(path: relay.dataDirectory.appendingPathComponent("enrollment.sqlite").path)
        #expect(try await cli.revoke(did: alice.did))

        try await deadline(300) {
            while await !desktop.revoked { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(lines.all.contains { $0.contains("revoked on the relay") }, "\(lines.all)")
        #expect(await !desktop.isConnected)
        #expect(await !relay.environment.enrollment.isOnline(did: alice.did))
        let refused = try await relay.post(alice, "after the revoke")
        #expect(refused.status == 503 && refused.error == "DeviceOffline", "\(refused.text)")
        await desktop.stop()
        await relay.stop()
    }
}
