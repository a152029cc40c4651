import Foundation
import GRDB
import Protocol
import Testing
import Repo
@testable import Relay

/// The firehose's log and the repos agree after any stop: a commit durable in its repo whose
/// `#commit` event never got written is announced with `#sync` on the next start; a commit whose
/// event write failed while running is not stored at all.
@Suite struct FirehoseReconcilerTests {
    static let post: DataValue = .map(["$type": .string("app.bsky.feed.post"), "text": .string("hello"),
                                       "createdAt": .string("2026-12-06T00:00:00.000Z")])

    static func body(_ event: SequencedEvent) throws -> DataValue { try FirehoseFrame.body(of: event.frame) }

    @Test func aHeadTheFirehoseNeverAnnouncedGetsASyncOnRestart() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        var relay = try await RelayHarness.start(dataDirectory: dir)
        let (did, _) = try await PLCRelayClient(baseURL: relay.baseURL).createAccount(handle: "gap.test")
        let repo = try #require(relay.environment.repo)
        let sequencer = relay.environment.sequencer
        let announced = try await repo.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: "a", value: Self.post)],
                                             swapCommit: nil) { try sequencer.commitEvent($0) }
        // Durable in the repo, no event: what a stop between the two fsyncs leaves.
        let silent = try await repo.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: "b", value: Self.post)],
                                          swapCommit: nil) { _ in }
        #expect(try await sequencer.announcedRev(did: did) == announced.rev)
        let before = try await sequencer.bounds().latest
        await relay.stop()

        relay = try await RelayHarness.start(dataDirectory: dir)
        let events = try await relay.environment.sequencer.events(after: before, limit: 10)
        #expect(events.map(\.type) == ["#sync"])
        let sync = try Self.body(try #require(events.first))
        #expect(sync["did"]?.stringValue == did && sync["rev"]?.stringValue == silent.rev)
        let car = try CARReader(try #require({ if case .bytes(let b)? = sync["blocks"] { return b } else { return nil } }()))
        #expect(car.roots == [silent.cid])

        // The next commit follows on from the announced head; another restart announces nothing.
        let restarted = relay.environment
        let next = try await restarted.repo!.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: "c", value: Self.post)],
                                                   swapCommit: nil) { try restarted.sequencer.commitEvent($0) }
        let commit = try Self.body(try #require(try await restarted.sequencer.events(after: before + 1, limit: 10).first))
        #expect(commit["rev"]?.stringValue == next.rev && commit["since"]?.stringValue == silent.rev)
        let latest = try await restarted.sequencer.bounds().latest
        await relay.stop()
        relay = try await RelayHarness.start(dataDirectory: dir)
        #expect(try await relay.environment.sequencer.events(after: latest, limit: 10).isEmpty)
        await relay.stop()
    }

    /// While the relay runs: a commit whose event write failed is not stored at all (its event is its
    /// durability), its caller gets the error, and the account's next commit follows the last one
    /// that was logged, so no follower meets a `since` it never saw.
    @Test func aCommitWhoseEventWasLostIsNotStored() async throws {
        let relay = try await RelayHarness.start()
        let (did, _) = try await PLCRelayClient(baseURL: relay.baseURL).createAccount(handle: "lost.test")
        let env = relay.environment
        let repo = try #require(env.repo)
        let sequencer = env.sequencer
        func post(_ rkey: String) async throws -> RepoCommit {
            try await repo.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: rkey, value: Self.post)],
                                 swapCommit: nil) { try sequencer.commitEvent($0) }
        }
        let first = try await post("a")
        let before = try await sequencer.bounds().latest
        // Another connection moves the event table away: the next event write fails for real.
        let other = try DatabaseQueue(path: relay.dataDirectory.appendingPathComponent("sequencer.sqlite").path)
        try await other.write { try $0.execute(sql: "ALTER TABLE repo_seq RENAME TO moved") }
        await #expect(throws: (any Error).self) { _ = try await post("b") }
        try await other.write { try $0.execute(sql: "ALTER TABLE moved RENAME TO repo_seq") }
        #expect(try await repo.getRecord(did: did, collection: "app.bsky.feed.post", rkey: "b") == nil)
        #expect(try await repo.head(did: did)?.rev == first.rev)

        let next = try await post("c")
        let events = try await sequencer.events(after: before, limit: 10)
        #expect(events.map(\.type) == ["#commit"])
        guard events.count == 1 else { await relay.stop(); return }
        let commit = try Self.body(events[0])
        #expect(commit["rev"]?.stringValue == next.rev && commit["since"]?.stringValue == first.rev)
        #expect(try await repo.getRecord(did: did, collection: "app.bsky.feed.post", rkey: "c") != nil)
        await relay.stop()
    }
}
