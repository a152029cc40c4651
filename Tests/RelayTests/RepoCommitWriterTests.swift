import Dispatch
import Foundation
import GRDB
import Protocol
import Repo
import Synchronization
import Testing
import TestSupport
@testable import Relay

/// The commit writer makes a commit durable in the firehose's log, then stores it in the account's
/// repo file without an fsync: the log is the repos' redo log. These tests take the repo file back
/// to an earlier state (what a power loss does to transactions never fsynced), fail a repo write
/// after its log write, and hold one open, and check that nothing acknowledged is lost and that no
/// subscriber hears of a commit before the repo holds it.
@Suite struct RepoCommitWriterTests {
    static let post: DataValue = .map(["$type": .string("app.bsky.feed.post"), "text": .string("hello"),
                                       "createdAt": .string("2026-12-06T00:00:00.000Z")])

    static func post(_ env: RelayEnvironment, _ did: String, _ rkey: String) async throws -> RepoCommit {
        let sequencer = env.sequencer
        return try await env.repo!.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: rkey, value: Self.post)],
                                         swapCommit: nil) { try sequencer.commitEvent($0) }
    }

    static func engine(_ env: RelayEnvironment) throws -> EngineRepoHost {
        try #require((env.repo as? EnrolledRepoHost)?.inner as? EngineRepoHost)
    }

    static func repoFile(_ dir: URL, _ did: String) -> URL {
        let safe = did.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return dir.appendingPathComponent("repos").appendingPathComponent(String(safe) + ".sqlite")
    }

    /// A consistent copy of a SQLite file that a stopped relay in this process may still hold open.
    static func snapshot(_ file: URL, to copy: URL) throws {
        let source = try DatabaseQueue(path: file.path)
        try source.backup(to: try DatabaseQueue(path: copy.path))
    }

    @Test func commitsTheRepoFileLostComeBackFromTheLogOnRestart() async throws {
        let live = try RelayHarness.makeDataDirectory()
        var relay = try await RelayHarness.start(dataDirectory: live)
        let (did, _) = try await PLCRelayClient(baseURL: relay.baseURL).createAccount(handle: "redo.test")
        let kept = try await Self.post(relay.environment, did, "a")
        await relay.stop()
        let saved = live.appendingPathComponent("repo-after-a.sqlite")
        try Self.snapshot(Self.repoFile(live, did), to: saved)

        relay = try await RelayHarness.start(dataDirectory: live)
        _ = try await Self.post(relay.environment, did, "b")
        let last = try await Self.post(relay.environment, did, "c")
        let latest = try await relay.environment.sequencer.bounds().latest
        await relay.stop()
        // Power loss: the machine comes back with everything but the repo file's transactions of
        // b and c, which were never fsynced. (The stopped relay's connections may still be open in
        // this process, so the loss is staged in a copy of the data directory.)
        let dir = try RelayHarness.makeDataDirectory()
        try FileManager.default.removeItem(at: dir)
        try FileManager.default.copyItem(at: live, to: dir)
        for name in try FileManager.default.subpathsOfDirectory(atPath: dir.path) where name.hasSuffix("-shm") {
            try FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        }
        let file = Self.repoFile(dir, did)
        try? FileManager.default.removeItem(atPath: file.path + "-wal")
        try FileManager.default.removeItem(at: file)
        try FileManager.default.copyItem(at: saved, to: file)
        #expect(try SQLiteRepoStorage(path: file.path).head()?.rev == kept.rev)

        relay = try await RelayHarness.start(dataDirectory: dir)
        let env = relay.environment
        #expect(try await env.repo!.head(did: did)?.cid == last.cid)
        for rkey in ["a", "b", "c"] {
            #expect(try await env.repo!.getRecord(did: did, collection: "app.bsky.feed.post", rkey: rkey)?.value == Self.post)
        }
        // Nothing to announce: the firehose already told of b and c.
        #expect(try await env.sequencer.events(after: latest, limit: 10).isEmpty)
        // The whole repo checks out against the account's key, and the next commit follows c.
        let car = try await env.repo!.exportCAR(did: did, since: nil)
        let key = try #require(try await env.keys.signingKey(did: did))
        let publicKey = key.publicKey
        let verified = try RepoVerifier.verify(car: car, signature: { publicKey.verify(signature: $0, for: $1) })
        #expect(verified.records.count == 3)
        let next = try await Self.post(env, did, "d")
        let event = try FirehoseFrame.body(of: try #require(try await env.sequencer.events(after: latest, limit: 10).first).frame)
        #expect(event["rev"]?.stringValue == next.rev && event["since"]?.stringValue == last.rev)
        await relay.stop()
    }

    @Test func aRepoWriteThatFailsAfterItsLogWriteIsStillAcknowledgedAndRead() async throws {
        let relay = try await RelayHarness.start()
        let (did, _) = try await PLCRelayClient(baseURL: relay.baseURL).createAccount(handle: "refail.test")
        let env = relay.environment
        let first = try await Self.post(env, did, "a")
        let storage = try Self.engine(env).repository(did).storage
        let failures = Mutex(1)
        storage.beforeWrite = {
            struct InjectedFailure: Error {}
            if failures.withLock({ n in defer { n = max(0, n - 1) }; return n > 0 }) { throw InjectedFailure() }
        }
        let second = try await Self.post(env, did, "b")
        storage.beforeWrite = nil
        #expect(try await env.repo!.head(did: did)?.cid == second.cid)
        #expect(try await env.repo!.getRecord(did: did, collection: "app.bsky.feed.post", rkey: "b")?.value == Self.post)
        let third = try await Self.post(env, did, "c")
        let events = try await env.sequencer.events(after: 0, limit: 100).filter { $0.type == "#commit" && $0.did == did }
        let bodies = try events.map { try FirehoseFrame.body(of: $0.frame) }
        #expect(bodies.suffix(3).map { $0["rev"]?.stringValue } == [first.rev, second.rev, third.rev].map(Optional.some))
        #expect(bodies.last?["since"]?.stringValue == second.rev)
        await relay.stop()
    }

    @Test func noSubscriberHearsOfACommitBeforeTheRepoHoldsIt() async throws {
        let relay = try await RelayHarness.start()
        let (did, _) = try await PLCRelayClient(baseURL: relay.baseURL).createAccount(handle: "held.test")
        let env = relay.environment
        _ = try await Self.post(env, did, "a")
        let subscription = env.hub.subscribe()
        defer { subscription.cancel() }
        let storage = try Self.engine(env).repository(did).storage
        // The writer's thread stops inside the repo write, after the log write; the test hears
        // that it got there through a stream, so no pool thread waits for it.
        let (entered, enteredSignal) = AsyncStream.makeStream(of: Void.self)
        let release = DispatchSemaphore(value: 0)
        storage.beforeWrite = { enteredSignal.yield(); release.wait() }
        let before = try await env.sequencer.bounds().latest
        let write = Task { try await Self.post(env, did, "b") }
        #expect(try await bounded(120) { await entered.first { _ in true } != nil })

        // Durable in the log, not in the repo yet: no live subscriber has it.
        let logged = try await env.sequencer.events(after: before, limit: 10)
        #expect(logged.map(\.type) == ["#commit"])
        #expect(subscription.pendingCount == 0)
        // Nor does one that replays from a cursor.
        #expect(try await env.sequencer.publishedEvents(after: before, limit: 10).isEmpty)
        #expect(try await env.repo!.getRecord(did: did, collection: "app.bsky.feed.post", rkey: "b") == nil)

        storage.beforeWrite = nil
        release.signal()
        let batch = try await bounded(120) { await subscription.nextBatch() }
        #expect(batch?.map(\.seq) == logged.map(\.seq))
        #expect(try await env.sequencer.publishedEvents(after: before, limit: 10).map(\.seq) == logged.map(\.seq))
        #expect(try await env.repo!.getRecord(did: did, collection: "app.bsky.feed.post", rkey: "b")?.value == Self.post)
        _ = try await write.value
        await relay.stop()
    }

    /// An account that writes a few commits and goes quiet never reaches a checkpoint by count;
    /// the writer checkpoints it anyway after `checkpointEvery`, so its repo file, without the WAL,
    /// soon holds them (the log is not their only durable copy for long).
    @Test func aQuietRepoIsCheckpointedSoonAfterItsLastCommit() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quiet-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = K256SigningKey()
        let host = try EngineRepoHost(directory: dir, signingKey: { _ in key }, announceHead: nil, redoLog: nil,
                                      checkpointEvery: 0.2)
        let did = "did:plc:quietaaaaaaaaaaaaaaaaaaa"
        _ = try await host.createRepo(did: did)
        var last: RepoCommit?
        for rkey in ["a", "b", "c"] {
            last = try await host.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: rkey, value: Self.post)],
                                        swapCommit: nil)
        }
        let file = dir.appendingPathComponent(Self.repoFile(dir, did).lastPathComponent)
        let copy = dir.appendingPathComponent("main-file-only.sqlite")
        // The main file alone, as a power loss that took the WAL would leave it.
        @Sendable func mainFileHead() throws -> String? {
            try? FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(at: file, to: copy)
            return try SQLiteRepoStorage(path: copy.path).head()?.rev
        }
        let expected = try #require(last).rev
        let checkpointed = try await bounded(60) {
            while try mainFileHead() != expected { try await Task.sleep(for: .milliseconds(50)) }
            return true
        }
        #expect(checkpointed)
    }
}
