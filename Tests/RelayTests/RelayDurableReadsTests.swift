import Dispatch
import Foundation
import Protocol
import Repo
import Testing
import TestSupport
@testable import Relay

/// Group commit builds a commit before its fsync; reads must not show it until the fsync is done
/// (a client could otherwise see a record that a crash then takes back). A test hook holds the
/// flush transaction open, so the in-between state is observed deterministically.
@Suite struct RelayDurableReadsTests {
    @Test func readsShowACommitOnlyOnceItIsDurable() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("durable-reads-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let alice = "did:plc:durableaaaaaaaaaaaaaaaaa"
        let key = K256SigningKey()
        let host = try EngineRepoHost(directory: dir, signingKey: { _ in key })
        let genesis = try await host.createRepo(did: alice)
        let storage = try host.repository(alice).storage
        // The flush thread (the account's own, not a shared pool's) blocks on `release`; the test
        // hears that it got there through a stream, so no pool thread is held waiting for it.
        let (entered, enteredSignal) = AsyncStream.makeStream(of: Void.self)
        let release = DispatchSemaphore(value: 0)
        storage.beforeWrite = { enteredSignal.yield(); release.wait() }

        let post: DataValue = .map(["$type": .string("app.bsky.feed.post"), "text": .string("not yet")])
        let write = Task {
            try await host.apply(did: alice, writes: [.create(collection: "app.bsky.feed.post", rkey: "r1", value: post)], swapCommit: nil)
        }
        let inFlush = try await bounded(120) { await entered.first { _ in true } != nil }
        #expect(inFlush)
        // Built and signed, its transaction open: not visible yet.
        #expect(try await host.getRecord(did: alice, collection: "app.bsky.feed.post", rkey: "r1") == nil)
        #expect(try await host.head(did: alice)?.cid == genesis.cid)
        #expect(try await host.listRecords(did: alice, collection: "app.bsky.feed.post", limit: 10, cursor: nil, reverse: false).isEmpty)

        storage.beforeWrite = nil
        release.signal()
        let commit = try await write.value
        #expect(try await host.getRecord(did: alice, collection: "app.bsky.feed.post", rkey: "r1")?.value == post)
        let head = try #require(try await host.head(did: alice))
        #expect(head.cid == commit.cid && head.rev == commit.rev)
    }
}
