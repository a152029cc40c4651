import Foundation
import Testing
import TestSupport
@testable import Relay

/// Black-box: the PyPI `atproto` SDK creates an account, logs in, refreshes and deletes sessions,
/// and provokes the error shapes, against a relay on a free loopback port.
@Suite(.serialized) struct RelaySDKSessionTests {
    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func accountAndSessionLifecycle() async throws {
        let relay = try await RelayHarness.start()
        defer { Task { await relay.stop() } }
        let result = try await relay.peer("relay_sdk_session.py")
        let checks = result["checks"] as? [String] ?? []
        print("relay_sdk_session.py: \(checks.count) checks passed")
        #expect(checks.count >= 25)
        let did = try #require(result["did"] as? String)
        let account = try await relay.environment.accounts.account(did: did)
        #expect(account?.handle == "alice.test")

        // The service-auth token is signed by the account's (sealed, stored) key: check with the SDK.
        let key = try #require(try await relay.environment.keys.signingKey(did: did))
        let token = try #require(result["serviceToken"] as? String)
        let verdict = try await runPeer("relay_verify_jwt.py", [key.publicKey.didKey, token])
        #expect(String(decoding: verdict, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "valid")
        await relay.stop()
    }
}
