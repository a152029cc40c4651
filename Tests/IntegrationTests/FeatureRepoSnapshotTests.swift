import Foundation
import Protocol
import Testing
@testable import Device
@testable import Relay

/// `repo-snapshot` (spec 7.4, 8.3, 11): with it the relay answers `sync.getRepo` from its snapshot
/// while the desktop is offline; without it `getRepo` answers 503 `DeviceOffline` then, and 200
/// again once the desktop is back. Record reads are served from the cache either way.
@Suite(.serialized) struct FeatureRepoSnapshotTests {
    @Test func snapshotServesGetRepoWhileOffline() async throws {
        let relay = try await EnrollRelay.start(policy: .preset(.free))
        let (alice, desktop) = try await relay.enrolledDesktop("alice")
        #expect(try await relay.post(alice, "before sleep").status == 200)
        await desktop.stop()
        #expect(try await relay.post(alice, "asleep").status == 503)
        let repo = try await relay.call("com.atproto.sync.getRepo", query: "did=\(alice.did)")
        #expect(repo.status == 200)
        #expect(repo.body.count > 100)
        await relay.stop()
    }

    @Test func withoutSnapshotGetRepoIs503WhileOffline() async throws {
        let policy = try RelayPolicy(configuration: RelayPolicyConfiguration(tier: "byo", features: ["commit-ack-seq"]))
        let relay = try await EnrollRelay.start(policy: policy)
        let lines = Lines()
        let (alice, desktop) = try await relay.enrolledDesktop("bob", lines: lines)
        #expect(lines.all.contains { $0.contains(Degradation.whenMissing(.repoSnapshot).userMessage) })
        let post = try await relay.post(alice, "while awake")
        #expect(post.status == 200)
        #expect(try await relay.call("com.atproto.sync.getRepo", query: "did=\(alice.did)").status == 200)

        await desktop.stop()
        #expect(try await relay.post(alice, "asleep").status == 503)
        let offline = try await relay.call("com.atproto.sync.getRepo", query: "did=\(alice.did)")
        #expect(offline.status == 503)
        #expect(offline.retryAfter == "30")
        #expect(offline.error == "DeviceOffline")
        // Record reads still come from the cache.
        let uri = try #require(post.string("uri"))
        let rkey = String(uri.split(separator: "/").last!)
        let record = try await relay.call("com.atproto.repo.getRecord",
                                          query: "repo=\(alice.did)&collection=app.bsky.feed.post&rkey=\(rkey)")
        #expect(record.status == 200)

        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        #expect(try await relay.call("com.atproto.sync.getRepo", query: "did=\(alice.did)").status == 200)
        await desktop.stop()
        await relay.stop()
    }
}
