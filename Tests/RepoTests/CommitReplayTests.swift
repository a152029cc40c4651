import Foundation
import Protocol
import Testing
@testable import Repo

/// Redo from a log of commits: a store rebuilt by replaying each commit as the firehose carries it
/// (its CAR of new blocks and its ops) ends up with the original's head, records and live blocks,
/// and a commit that does not follow the head, or whose ops do not give its data root, is refused.
@Suite struct CommitReplayTests {
    /// Commits on `repo` as the relay does (prepare, sign, apply) and returns each as logged.
    static func commit(_ repo: Repository, _ writes: [RecordWrite]) throws -> LoggedCommit {
        let since = repo.head?.rev
        let prepared = try repo.prepare(writes)
        let signed = try repo.apply(signature: fakeSignature(prepared.commit.bytesToSign))
        let block = signed.block
        return LoggedCommit(commit: block.cid, since: since,
                            blocks: CARWriter.encode(roots: [block.cid], blocks: [block] + prepared.newBlocks),
                            ops: prepared.ops.map { .init(path: $0.key, cid: $0.cid) })
    }

    static func liveBlocks(_ storage: SQLiteRepoStorage) throws -> [CID: [UInt8]] {
        var out: [CID: [UInt8]] = [:]
        try storage.forEachBlock(since: nil) { out[$0.cid] = $0.bytes }
        return out
    }

    @Test func aStoreRebuiltFromTheLogMatchesTheOriginal() throws {
        let dir = tempDir()
        let original = try SQLiteRepoStorage(path: dir + "/original.sqlite")
        let repo = try Repository(storage: original, did: "did:example:replay")
        var log = [try Self.commit(repo, [])]
        // Single-letter keys first: with "b" the old root {a} moves down a layer unchanged, a node a
        // commit both drops and keeps.
        for rkey in ["a", "b", "c"] {
            log.append(try Self.commit(repo, [.create(collection: "app.bsky.feed.post", rkey: rkey, record: record(rkey))]))
        }
        for i in 0..<40 {
            log.append(try Self.commit(repo, [.create(collection: "app.bsky.feed.post", rkey: "p\(i)", record: record("post \(i)"))]))
        }
        log.append(try Self.commit(repo, [.update(collection: "app.bsky.feed.post", rkey: "p3", record: record("edited")),
                                          .delete(collection: "app.bsky.feed.post", rkey: "p7"),
                                          .create(collection: "app.bsky.feed.like", rkey: "l1", record: record("like"))]))
        log.append(try Self.commit(repo, [.delete(collection: "app.bsky.feed.post", rkey: "p0")]))

        // Power loss kept the first 10 commits of the file; the log has the rest.
        let replica = try SQLiteRepoStorage(path: dir + "/replica.sqlite", durability: .logged)
        for c in log.prefix(10) { try Repository.replay(c, into: replica) }
        for c in log.dropFirst(10) { try Repository.replay(c, into: replica) }

        #expect(try replica.head() == original.head())
        #expect(try replica.listRecords(collection: "app.bsky.feed.post", cursor: nil, limit: 100, reverse: false)
                == original.listRecords(collection: "app.bsky.feed.post", cursor: nil, limit: 100, reverse: false))
        #expect(try replica.collections() == ["app.bsky.feed.like", "app.bsky.feed.post"])
        // Same live blocks: the replay dropped exactly the nodes and records the commits dropped.
        #expect(try Self.liveBlocks(replica) == Self.liveBlocks(original))
        // Nothing dangles: every node and record of the replica's tree is there.
        let reopenedForExport = try Repository(storage: replica, did: "did:example:replay")
        var car: [UInt8] = []
        try reopenedForExport.exportCAR(since: nil) { car.append(contentsOf: $0) }
        #expect(try RepoVerifier.verify(car: car, signature: nil).records.count == 42)
        // And the replica is a repo the engine goes on with.
        let reopened = try Repository(storage: replica, did: "did:example:replay")
        #expect(try reopened.record(collection: "app.bsky.feed.post", rkey: "p3") == CID.compute(.dagCBOR, record("edited")))
        #expect(try reopened.record(collection: "app.bsky.feed.post", rkey: "p7") == nil)
        #expect(try replica.pragmas().synchronous == 1)
        try replica.syncToDisk()
    }

    @Test func aCommitThatDoesNotFollowOrDoesNotMatchIsRefused() throws {
        let dir = tempDir()
        let repo = try Repository(storage: try SQLiteRepoStorage(path: dir + "/original.sqlite"), did: "did:example:refuse")
        let genesis = try Self.commit(repo, [])
        let first = try Self.commit(repo, [.create(collection: "app.bsky.feed.post", rkey: "a", record: record("a"))])
        let replica = try SQLiteRepoStorage(path: dir + "/replica.sqlite")
        #expect(throws: CommitReplayError.notNext(head: nil, since: first.since)) {
            try Repository.replay(first, into: replica)
        }
        try Repository.replay(genesis, into: replica)
        // The ops say one thing, the commit's data root another: nothing is stored.
        let forged = LoggedCommit(commit: first.commit, since: first.since, blocks: first.blocks,
                                  ops: [.init(path: "app.bsky.feed.post/b", cid: first.ops[0].cid)])
        #expect(throws: CommitReplayError.self) { try Repository.replay(forged, into: replica) }
        #expect(try replica.head()?.commit == genesis.commit)
        try Repository.replay(first, into: replica)
        #expect(throws: CommitReplayError.self) { try Repository.replay(first, into: replica) }
        #expect(try replica.head()?.commit == first.commit)
    }

    @Test func aCheckpointAsideCopiesTheWALWhileTheStoreStaysOpen() throws {
        let dir = tempDir()
        let storage = try SQLiteRepoStorage(path: dir + "/repo.sqlite", durability: .logged)
        let repo = try Repository(storage: storage, did: "did:example:checkpoint")
        for i in 0..<20 {
            _ = try repo.commit([.create(collection: "app.bsky.feed.post", rkey: "p\(i)", record: record("post \(i)"))], sign: fakeSignature)
        }
        let result = try storage.checkpointAside()
        #expect(result.frames > 0 && result.copied == result.frames)
        _ = try repo.commit([.create(collection: "app.bsky.feed.post", rkey: "after", record: record("after"))], sign: fakeSignature)
        #expect(try storage.recordCount() == 21)
    }
}
