import Foundation
import Protocol
import Repo
import Synchronization
import Testing
import TestSupport
@testable import Relay

/// The relay process killed with SIGKILL while eight clients write to two accounts: after a
/// restart every write it acknowledged is there, the repos verify, and the firehose's log and the
/// repos agree (a kill between the log's fsync and the repo write leaves a commit that only the
/// log holds: the restart replays it).
@Suite(.serialized) struct RelayKillTests {
    /// Record keys each account's writes were acknowledged with.
    final class Acked: Sendable { let value = Mutex([String: Set<String>]()) }

    @Test(.enabled(if: RelayProcess.isBuilt, "needs a built dpds binary"))
    func sigkillMidWritesLosesNoAcknowledgedCommit() async throws {
        let dir = try RelayHarness.makeDataDirectory()
        let port = try RelayProcess.freePort()
        var relay = try await RelayProcess.start(port: port, dataDirectory: dir)
        defer { relay.stop() }
        let client = PLCRelayClient(baseURL: relay.baseURL)
        var made: [(did: String, token: String)] = []
        for handle in ["kill-a.test", "kill-b.test"] { made.append(try await client.createAccount(handle: handle)) }
        let accounts = made

        let acked = Acked()
        let (acks, ack) = AsyncStream.makeStream(of: Void.self)
        let writers = Task {
            await withTaskGroup(of: Void.self) { group in
                for w in 0..<8 {
                    let account = accounts[w % accounts.count]
                    group.addTask {
                        for n in 0..<100_000 {
                            let rkey = "w\(w)-\(n)"
                            let record: DataValue = .map(["$type": .string("app.bsky.feed.post"), "text": .string(rkey),
                                                          "createdAt": .string("2026-12-06T00:00:00.000Z")])
                            do {
                                _ = try await client.call("com.atproto.repo.createRecord", post: .map([
                                    "repo": .string(account.did), "collection": .string("app.bsky.feed.post"),
                                    "rkey": .string(rkey), "record": record,
                                ]), token: account.token)
                            } catch { return }   // the relay is gone
                            acked.value.withLock { _ = $0[account.did, default: []].insert(rkey) }
                            ack.yield()
                        }
                    }
                }
            }
        }
        // Killed in the middle of the stream, with writes in flight.
        var count = 0
        for await _ in acks {
            count += 1
            if count == 200 { break }
        }
        relay.kill()
        _ = await writers.value
        // Whether this run caught a commit in the log only (between the log's fsync and the repo
        // write): then the restart below replays it. Printed, not asserted: it depends on timing.
        let sequencer = try Sequencer(path: dir.appendingPathComponent("sequencer.sqlite").path, hub: FirehoseHub())
        for account in accounts {
            let file = RepoCommitWriterTests.repoFile(dir, account.did)
            let head = try SQLiteRepoStorage(path: file.path).head()
            let onlyLogged = try sequencer.loggedCommits(did: account.did, after: head?.rev ?? "").count
            print("after SIGKILL: \(account.did) has \(onlyLogged) commit(s) in the log only")
        }

        relay = try await RelayProcess.start(port: port, dataDirectory: dir)
        let restarted = PLCRelayClient(baseURL: relay.baseURL)
        let expected = acked.value.withLock { $0 }
        #expect(expected.values.reduce(0) { $0 + $1.count } >= 200)
        for account in accounts {
            var listed: Set<String> = []
            var cursor: String?
            repeat {
                let page = try await restarted.call("com.atproto.repo.listRecords", query:
                    "repo=\(account.did)&collection=app.bsky.feed.post&limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""))
                let records = page["records"]?.arrayValue ?? []
                for r in records { if let uri = r["uri"]?.stringValue { listed.insert(String(uri.split(separator: "/").last!)) } }
                cursor = records.count == 100 ? page["cursor"]?.stringValue : nil
            } while cursor != nil
            let missing = expected[account.did, default: []].subtracting(listed)
            #expect(missing.isEmpty, "acknowledged but lost after SIGKILL: \(missing.sorted())")

            let (status, car) = try await restarted.raw("\(relay.baseURL)/xrpc/com.atproto.sync.getRepo?did=\(account.did)")
            #expect(status == 200)
            let summary = try RepoVerifier.verify(car: Array(car), signature: nil)
            #expect(summary.records.count == listed.count)
            // The account goes on from the head it came back with.
            _ = try await restarted.call("com.atproto.repo.createRecord", post: .map([
                "repo": .string(account.did), "collection": .string("app.bsky.feed.post"),
                "record": .map(["$type": .string("app.bsky.feed.post"), "text": .string("after the kill"),
                                "createdAt": .string("2026-12-06T00:00:00.000Z")]),
            ]), token: account.token)
        }
    }
}
