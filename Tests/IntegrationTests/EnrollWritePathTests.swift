import Foundation
import Protocol
import Testing
@testable import Device
@testable import Relay

/// The enrolled write path (issue 7): XRPC writes become write requests to the desktop, the relay
/// signs and sequences its commits; offline means 503, reads keep working; local commits queue.
@Suite(.serialized) struct EnrollWritePathTests {
    static func paired(_ relay: EnrollRelay, _ name: String, lines: Lines = Lines()) async throws -> (EnrollRelay.Account, Desktop) {
        let account = try await relay.createAccount(name)
        let desktop = try makeDesktop(lines)
        let ticket = try await relay.ticket(for: account)
        try await deadline(300) { try await desktop.pair(ticket) }
        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        return (account, desktop)
    }

    @Test func writesGoThroughTheDesktopAndOfflineMeans503() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await Self.paired(relay, "alice")

        let created = try await relay.post(alice, "hello from the relay, stored on the desktop")
        #expect(created.status == 200, "\(created.text)")
        let uri = try #require(created.string("uri"))
        let rkey = String(uri.split(separator: "/").last!)
        let read = try await relay.call("com.atproto.repo.getRecord", query: "repo=\(alice.did)&collection=app.bsky.feed.post&rkey=\(rkey)")
        #expect(read.status == 200)
        #expect(read.string("cid") == created.string("cid"))
        // The desktop holds it, under the commit the relay signed.
        let head = try #require(await desktop.headForTesting())
        #expect(head.rev == (created.object["commit"] as? [String: Any])?["rev"] as? String)

        // swapRecord / InvalidSwap answers come from the desktop with the mobile-mode names.
        let dup = try await relay.call("com.atproto.repo.createRecord", token: alice.token, body: [
            "repo": alice.did, "collection": "app.bsky.feed.post", "rkey": rkey,
            "record": ["$type": "app.bsky.feed.post", "text": "again", "createdAt": "2026-11-25T12:00:00.000Z"],
        ])
        #expect(dup.status == 400 && dup.error == "InvalidSwap")

        // Desktop stops: writes 503 naming the reason, reads still served.
        await desktop.stop()
        let offline = try await relay.post(alice, "while the desktop sleeps")
        #expect(offline.status == 503)
        #expect(offline.error == "DeviceOffline")
        #expect(offline.retryAfter == "30")
        #expect(try await relay.call("com.atproto.repo.getRecord",
                                     query: "repo=\(alice.did)&collection=app.bsky.feed.post&rkey=\(rkey)").status == 200)
        #expect(try await relay.call("com.atproto.sync.getRepo", query: "did=\(alice.did)").status == 200)

        // Back: writes accepted again.
        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        #expect(try await relay.post(alice, "awake again").status == 200)

        // Firehose: every seq present, no gap, one #commit per accepted write after the genesis.
        let seqs = try await relay.seqs()
        #expect(seqs == Array(1...Int64(seqs.count)))
        await desktop.stop()
        await relay.stop()
    }

    @Test func queuedDesktopCommitsArriveInOrder() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await Self.paired(relay, "alice")
        let now = try await desktop.write([Desktop.post(text: "pushed at once")])
        guard case .pushed(let seq, _, _) = now else { Issue.record("not pushed: \(now)"); return }
        #expect(seq != nil)

        await desktop.stop()
        for i in 1...3 {
            let queued = try await desktop.write([Desktop.post(text: "queued \(i)")])
            #expect(queued == .queued(position: i))
        }
        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        #expect(desktop.outbox.count == 0)

        let list = try await relay.call("com.atproto.repo.listRecords",
                                        query: "repo=\(alice.did)&collection=app.bsky.feed.post&limit=100&reverse=true")
        // Sorted by rkey (TIDs in creation order), whatever order listRecords pages in.
        let records = ((list.object["records"] as? [[String: Any]]) ?? []).sorted { ($0["uri"] as? String ?? "") < ($1["uri"] as? String ?? "") }
        let texts = records.compactMap { ($0["value"] as? [String: Any])?["text"] as? String }
        #expect(texts == ["pushed at once", "queued 1", "queued 2", "queued 3"])
        let events = try await relay.environment.sequencer.events(after: 0, limit: 100).filter { $0.did == alice.did && $0.type == "#commit" }
        #expect(events.count == 5)  // genesis + 4
        let seqs = try await relay.seqs()
        #expect(seqs == Array(1...Int64(seqs.count)))
        await desktop.stop()
        await relay.stop()
    }

    @Test func aRepeatedPushIsAckedWithTheSameSeq() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await Self.paired(relay, "alice")
        await desktop.stop()
        let repo = try DeviceRepo(path: desktop.directory.repoPath, did: alice.did)
        let (push, _) = try repo.prepare([Desktop.post(text: "once")], swapCommit: nil,
                                         clock: TIDClock(after: repo.head.flatMap { try? TID(string: $0.rev) }))
        var first = push
        first.id = 1
        var again = push
        again.id = 2
        guard case .ack(let a) = await relay.environment.enrollment.ingest(first),
              case .ack(let b) = await relay.environment.enrollment.ingest(again) else {
            Issue.record("push refused"); return
        }
        #expect(a.seq == b.seq && a.cid == b.cid && a.sig == b.sig && b.id == 2)
        // Same rev, other bytes: refused, never signed twice.
        var forged = push
        forged.id = 3
        forged.commit = push.commit + [0]
        guard case .reject(let reject) = await relay.environment.enrollment.ingest(forged) else { Issue.record("forged push accepted"); return }
        #expect(reject.knownCode == .revConflict)
        let commits = try await relay.environment.sequencer.events(after: 0, limit: 100).filter { $0.type == "#commit" }
        #expect(commits.count == 2)  // genesis + one
        repo.abandon()
        await relay.stop()
    }
}
