import Foundation
import Protocol
import Repo
import Testing
@testable import Relay

/// Group commit on real SQLite files: many writers at once on one account (and on a second one)
/// share flushes and sequencer writes, yet every acknowledged commit is durable, each account's
/// firehose events follow its commit chain, and seq has no gaps.
@Suite struct RelayGroupCommitTests {
    let post: DataValue = .map(["$type": .string("app.bsky.feed.post"), "text": .string("hi")])

    @Test func concurrentWritersShareFlushesAndKeepOrder() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("group-commit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let alice = "did:plc:groupaaaaaaaaaaaaaaaaaaa", bob = "did:plc:groupbbbbbbbbbbbbbbbbbbb"
        let keys = [alice: K256SigningKey(), bob: K256SigningKey()]
        let lookup: EngineRepoHost.KeyLookup = { (asked: String) -> (any SigningKey)? in keys[asked] }
        let host = try EngineRepoHost(directory: dir.appendingPathComponent("repos"), signingKey: lookup)
        let sequencer = try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path, hub: FirehoseHub())
        for did in [alice, bob] { try sequencer.commitEvent(try await host.createRepo(did: did)) }

        let perAccount = [alice: 48, bob: 16]
        let commits = try await withThrowingTaskGroup(of: RepoCommit.self) { group in
            for (did, count) in perAccount {
                for i in 0..<count {
                    group.addTask {
                        try await host.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: "r\(i)", value: post)],
                                             swapCommit: nil) { try sequencer.commitEvent($0) }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(commits.count == 64)

        let events = try await sequencer.events(after: 0, limit: 1000)
        #expect(events.map(\.seq) == Array(1...Int64(66)))
        var lastRev: [String: String] = [:]
        for event in events {
            let body = try FirehoseTestFrames.body(event.frame)
            let rev = try #require(body["rev"]?.stringValue)
            if let previous = lastRev[event.did] {
                #expect(body["since"]?.stringValue == previous, "each event chains onto the previous commit")
                #expect(rev > previous)
            }
            lastRev[event.did] = rev
        }
        print("group commit: 64 concurrent commits on 2 accounts, \(events.count) events, seq 1...\(events.last?.seq ?? 0)")

        // Everything acknowledged is in SQLite: a fresh host over the same files sees it all.
        let reopened = try EngineRepoHost(directory: dir.appendingPathComponent("repos"), signingKey: lookup)
        for (did, count) in perAccount {
            let records = try await reopened.listRecords(did: did, collection: "app.bsky.feed.post", limit: 100, cursor: nil, reverse: false)
            #expect(records.count == count)
            #expect(try await reopened.head(did: did)?.rev == lastRev[did])
        }
    }

    @Test func concurrentSwapsOnOneHeadLetExactlyOneThrough() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("group-swap-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let did = "did:plc:groupcccccccccccccccccccc"
        let key = K256SigningKey()
        let host = try EngineRepoHost(directory: dir, signingKey: { (asked: String) -> (any SigningKey)? in asked == did ? key : nil })
        let genesis = try await host.createRepo(did: did)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask {
                    do {
                        _ = try await host.apply(did: did, writes: [.create(collection: "app.bsky.feed.post", rkey: "s\(i)", value: post)],
                                                 swapCommit: genesis.cid) { _ in }
                        return true
                    } catch { return false }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let records = try await host.listRecords(did: did, collection: "app.bsky.feed.post", limit: 100, cursor: nil, reverse: false)
        #expect(records.count == 1)
    }
}
