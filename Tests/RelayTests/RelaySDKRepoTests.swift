import Foundation
import Repo
import Testing
import TestSupport
@testable import Relay

/// Black-box: the PyPI `atproto` SDK writes and reads records; then the stored repo must verify
/// (signature with the account's key, MST) and hold exactly what the SDK left.
@Suite(.serialized) struct RelaySDKRepoTests {
    @Test(.enabled(if: Peers.shouldRun, Peers.skipReason))
    func postLikeListSwapDelete() async throws {
        let relay = try await RelayHarness.start()
        defer { Task { await relay.stop() } }
        let carFile = relay.environment.config.dataDirectory + "/sync-getRepo.car"
        let result = try await relay.peer("relay_sdk_repo.py", [carFile])
        let checks = result["checks"] as? [String] ?? []
        print("relay_sdk_repo.py: \(checks.count) checks passed")
        #expect(checks.count >= 12)
        let did = try #require(result["did"] as? String)
        let key = try #require(try await relay.environment.keys.signingKey(did: did))
        let car = try await #require(relay.environment.repo).exportCAR(did: did, since: nil)
        let summary = try RepoVerifier.verify(car: car, didKey: key.publicKey.didKey)
        #expect(summary.recordsPerCollection.map(\.collection) == ["app.bsky.feed.post"])
        #expect(summary.records.count == 5)
        // sync.getRepo's bytes, checked independently: atmst walks and rebuilds the MST, cbrrr
        // round-trips every record, the SDK's crypto checks the commit signature.
        let verdict = try JSONSerialization.jsonObject(with: try await runPeer("repo_atmst.py", ["check-car", carFile, key.publicKey.didKey])) as? [String: Any]
        #expect(verdict?["sig_ok"] as? Bool == true)
        #expect(verdict?["root_ok"] as? Bool == true)
        #expect(verdict?["records_ok"] as? Bool == true)
        #expect(verdict?["records"] as? Int == 5)
        let events = try await relay.environment.sequencer.events(after: 0, limit: 100)
        // genesis, post, like, 4 posts, put, delete
        let commits = events.filter { $0.type == "#commit" }.count
        #expect(commits == 9)
        await relay.stop()
    }
}
