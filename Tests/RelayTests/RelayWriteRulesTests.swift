import Foundation
import Logging
import Protocol
import Testing
@testable import Relay

/// Who may write, and that accounts commit in parallel while each one's firehose order holds.
@Suite(.serialized) struct RelayWriteRulesTests {
    static func post(_ text: String) -> DataValue {
        .map(["$type": .string("app.bsky.feed.post"), "text": .string(text), "createdAt": .string("2026-01-01T00:00:00.000Z")])
    }

    @Test func otherAccountsRepoIs401AndDeactivatedAccountCannotWrite() async throws {
        let relay = try await RelayHarness.start()
        defer { Task { await relay.stop() } }
        let (alice, aliceDID) = try await relay.client.createAccount("alice.test")
        let (bob, _) = try await relay.client.createAccount("bob.test")
        let foreign = try await bob.procedure("com.atproto.repo.createRecord", .map([
            "repo": .string(aliceDID), "collection": .string("app.bsky.feed.post"), "record": Self.post("not mine")]))
        #expect(foreign.status == 401 && foreign.error == "AuthRequired")
        // A write first, so the relay has the active account in memory: deactivation must still bite.
        let awake = try await alice.procedure("com.atproto.repo.createRecord", .map([
            "repo": .string(aliceDID), "collection": .string("app.bsky.feed.post"), "record": Self.post("awake")]))
        #expect(awake.status == 200)

        _ = try await alice.procedure("com.atproto.server.deactivateAccount", .map([:]))
        let refused = try await alice.procedure("com.atproto.repo.createRecord", .map([
            "repo": .string(aliceDID), "collection": .string("app.bsky.feed.post"), "record": Self.post("asleep")]))
        #expect(refused.status == 401 && refused.error == "AccountDeactivated")
        let status = try await relay.client.query("com.atproto.sync.getRepoStatus", [("did", aliceDID)])
        #expect(status.json["active"] == .bool(false) && status.json["status"] == .string("deactivated"))
        await relay.stop()
    }

    /// Sixteen accounts write at once: every commit lands, and each account's `#commit` events
    /// carry strictly increasing seqs whose revs follow commit order (since chains to the previous rev).
    @Test func accountsCommitInParallelWithPerAccountOrder() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        var logger = Logger(label: "t")
        logger.logLevel = .warning
        let env = try RelayEnvironment(config: try RelayHarness.config(dataDirectory: dir), logger: logger)
        let dids = "abcdefghijklmnop".map { "did:plc:" + String(repeating: $0, count: 24) }
        let host = try #require(env.repo)
        for did in dids {
            _ = try await env.keys.create(did: did)
            try env.sequencer.commitEvent(try await host.createRepo(did: did))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for did in dids {
                group.addTask {
                    for i in 0..<10 {
                        _ = try await host.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: "r\(i)",
                                                                            value: Self.post("\(i)"))],
                                                 swapCommit: nil) { try env.sequencer.commitEvent($0) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let events = try await env.sequencer.events(after: 0, limit: 1000).filter { $0.type == "#commit" }
        #expect(events.count == 16 * 11)
        var lastRev: [String: String] = [:]
        for event in events {
            let body = try FirehoseTestFrames.body(event.frame)
            let repo = try #require(body["repo"]?.stringValue)
            let rev = try #require(body["rev"]?.stringValue)
            #expect(body["since"]?.stringValue == lastRev[repo])
            if let previous = lastRev[repo] { #expect(rev > previous) }
            lastRev[repo] = rev
        }
        #expect(lastRev.count == 16)
    }
}
