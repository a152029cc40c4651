import Foundation
import Protocol
import Repo
import Testing
@testable import Relay

/// The adapter over the real repo engine, on real SQLite files in a temp dir.
@Suite struct EngineRepoHostTests {
    @Test func genesisWritesSwapsListAndExport() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("engine-host-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = K256SigningKey()
        let did = "did:plc:testaaaaaaaaaaaaaaaaaaaa"
        let host = try EngineRepoHost(directory: dir, signingKey: { (asked: String) -> (any SigningKey)? in asked == did ? key : nil })

        let genesis = try await host.createRepo(did: did)
        #expect(genesis.since == nil && genesis.prevData == nil && genesis.ops.isEmpty)

        let post: DataValue = .map(["$type": .string("app.bsky.feed.post"), "text": .string("hi")])
        let c1 = try await host.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: "a", value: post),
                                                         .create(collection: "app.bsky.feed.post", rkey: "b", value: post)],
                                      swapCommit: genesis.cid)
        #expect(c1.since == genesis.rev && c1.ops.count == 2 && c1.ops.allSatisfy { $0.action == "create" && $0.prev == nil })
        let a = try #require(try await host.getRecord(did: did, collection: "app.bsky.feed.post", rkey: "a"))
        #expect(a.value == post)

        // A stale swapCommit or swapRecord is refused and changes nothing.
        await #expect(throws: RepoHostError.self) {
            try await host.apply(did: did, writes: [.delete(collection: "app.bsky.feed.post", rkey: "a", swapRecord: nil)],
                                 swapCommit: genesis.cid)
        }
        await #expect(throws: RepoHostError.self) {
            try await host.apply(did: did, writes: [.update(collection: "app.bsky.feed.post", rkey: "a", value: post,
                                                            swapRecord: genesis.cid)], swapCommit: nil)
        }
        let c2 = try await host.apply(did: did, writes: [.delete(collection: "app.bsky.feed.post", rkey: "a", swapRecord: a.cid)],
                                      swapCommit: c1.cid)
        #expect(c2.ops.first?.prev == a.cid && c2.prevData != nil)

        let forward = try await host.listRecords(did: did, collection: "app.bsky.feed.post", limit: 10, cursor: nil, reverse: false)
        #expect(forward.map(\.rkey) == ["b"])
        #expect(try await host.collections(did: did) == ["app.bsky.feed.post"])
        #expect(try await host.head(did: did)?.cid == c2.cid)

        let car = try await host.exportCAR(did: did, since: nil)
        let summary = try RepoVerifier.verify(car: car, didKey: key.publicKey.didKey)
        #expect(summary.records.map(\.key) == ["app.bsky.feed.post/b"])
        #expect(try await host.head(did: "did:plc:nobody") == nil)
    }
}
