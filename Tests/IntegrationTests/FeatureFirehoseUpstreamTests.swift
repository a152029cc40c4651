import Foundation
import Protocol
import Testing
import TestSupport
@testable import Device
@testable import Relay

/// `firehose-proxy` (spec 7.5) against a real upstream: a second dpds relay on loopback plays the
/// network relay, and our relay subscribes to its `subscribeRepos` over a real WebSocket
/// (`WebSocketFirehoseSource`, what `PDS_FIREHOSE_UPSTREAM` configures). Another user's like of the
/// desktop user's post reaches the desktop verbatim with the upstream seq; an unrelated post does not.
@Suite(.serialized) struct FeatureFirehoseUpstreamTests {
    @Test func likeOnTheNetworkReachesTheDesktop() async throws {
        let network = try await EnrollRelay.start()
        let relay = try await EnrollRelay.start(policy: .preset(.pro),
                                                networkFirehose: WebSocketFirehoseSource(upstream: network.base, logger: .init(label: "test")))
        let (alice, desktop) = try await relay.enrolledDesktop("alice")
        let carol = try await network.createAccount("carol")
        // The proxy subscribes live (no cursor) at start: wait until the upstream sees it.
        try await deadline(300) {
            while network.environment.hub.subscriberCount < 1 { try await Task.sleep(for: .milliseconds(10)) }
        }
        let posted = try await relay.post(alice, "hello network")
        let uri = try #require(posted.string("uri")), cid = try #require(posted.string("cid"))
        #expect(try await network.post(carol, "nothing to do with alice").status == 200)
        let like = try await network.call("com.atproto.repo.createRecord", token: carol.token, body: [
            "repo": carol.did, "collection": "app.bsky.feed.like",
            "record": ["$type": "app.bsky.feed.like", "subject": ["uri": uri, "cid": cid], "createdAt": "2026-12-05T12:00:00.000Z"],
        ])
        #expect(like.status == 200)
        let likeSeq = try await network.environment.sequencer.bounds().latest

        let inbox = desktop.networkInbox
        let event = try await deadline(120) { () -> FirehoseEvent? in
            for await event in inbox.events { return event }
            return nil
        }
        let first = try #require(event)
        #expect(Int64(first.seq) == likeSeq)
        let header = try DAGCBOR.decodeFirst(first.event)
        let body = try DAGCBOR.decode(first.event[header.length...])
        #expect(header.value["t"]?.stringValue == "#commit")
        #expect(body["repo"]?.stringValue == carol.did)
        #expect(body["ops"]?.arrayValue?.first?["path"]?.stringValue?.hasPrefix("app.bsky.feed.like/") == true)
        print("firehose proxy upstream: like by \(carol.did) forwarded with upstream seq \(first.seq)")
        await desktop.stop()
        await relay.stop()
        await network.stop()
    }
}
