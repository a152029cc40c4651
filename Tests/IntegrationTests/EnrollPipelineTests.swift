import Foundation
import Protocol
import Repo
import Testing
@testable import Device
@testable import Relay

/// Pipelined pushes (spec 6.1): the desktop keeps several commits in flight, the relay ingests them
/// in order as one batch, acks stay idempotent by rev, and a commit the cache stored without an ack
/// is recovered when it is pushed again.
@Suite(.serialized) struct EnrollPipelineTests {
    @Test func concurrentDesktopWritesArePipelinedInOrder() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await EnrollWritePathTests.paired(relay, "alice")
        let outcomes = try await withThrowingTaskGroup(of: Desktop.WriteOutcome.self) { group in
            for i in 0..<40 { group.addTask { try await desktop.write([Desktop.post(text: "pipelined \(i)")]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let seqs = outcomes.compactMap { if case .pushed(let seq, _, _) = $0 { return seq } else { return nil } }
        #expect(seqs.count == 40 && Set(seqs).count == 40)
        let head = try #require(await desktop.headForTesting())
        let relayHead = try #require(try await relay.environment.repo?.head(did: alice.did))
        #expect(head.rev == relayHead.rev && head.commit == relayHead.cid)
        let list = try await relay.call("com.atproto.repo.listRecords", query: "repo=\(alice.did)&collection=app.bsky.feed.post&limit=100")
        #expect((list.object["records"] as? [Any])?.count == 40)
        let all = try await relay.seqs()
        #expect(all == Array(1...Int64(all.count)))
        await desktop.stop()
        await relay.stop()
    }

    @Test func aBatchIsOrderedIdempotentAndStopsAtTheFirstBadPush() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await EnrollWritePathTests.paired(relay, "alice")
        await desktop.stop()
        let enrollment = relay.environment.enrollment
        let repo = try DeviceRepo(path: desktop.directory.repoPath, did: alice.did)
        let clock = TIDClock(after: repo.head.flatMap { try? TID(string: $0.rev) })
        // Three commits chained without acks, as the desktop pipelines them.
        var pushes: [CommitPush] = []
        for i in 1...3 {
            var push = try repo.prepare([Desktop.post(text: "chained \(i)")], swapCommit: nil, clock: clock).push
            push.id = i
            pushes.append(push)
        }
        #expect(pushes[1].since == pushes[0].rev && pushes[2].prevData != pushes[1].prevData)
        let first = await enrollment.ingest(pushes)
        let acks = first.compactMap { if case .ack(let a) = $0 { return a } else { return nil } }
        #expect(acks.count == 3)
        let ackSeqs = acks.compactMap(\.seq)
        #expect(ackSeqs == ackSeqs.sorted() && Set(ackSeqs).count == 3)
        // The same batch again: the same acks, nothing signed or sequenced twice.
        let again = await enrollment.ingest(pushes)
        #expect(again.compactMap { if case .ack(let a) = $0 { return a.seq } else { return nil } } == ackSeqs)
        let before = try await relay.seqs().count

        // A bad push in the middle: the one before lands, it and the one after are refused.
        var next: [CommitPush] = []
        for (i, ack) in acks.enumerated() { try repo.acked(rev: pushes[i].rev, sig: ack.sig) }
        try repo.flush()
        for i in 4...6 {
            var push = try repo.prepare([Desktop.post(text: "chained \(i)")], swapCommit: nil, clock: clock).push
            push.id = i
            next.append(push)
        }
        next[1].prevData = next[0].prevData
        let mixed = await enrollment.ingest(next)
        guard case .ack = mixed[0], case .reject(let bad) = mixed[1], case .reject(let after) = mixed[2] else {
            Issue.record("unexpected outcomes \(mixed)"); return
        }
        #expect(bad.knownCode == .prevDataMismatch)
        #expect(after.knownCode == .sinceMismatch)
        #expect(try await relay.seqs().count == before + 1)
        repo.abandon()
        await relay.stop()
    }

    /// The desktop stores acked commits off its actor (`DeviceRepo.write`) while it seals more: a
    /// synchronous flush queued behind that write, and the write's late `finish`, leave the newest
    /// head, and every commit counted stored.
    @Test func backgroundStoresKeepTheHeadInSealOrder() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await EnrollWritePathTests.paired(relay, "alice")
        await desktop.stop()
        let repo = try DeviceRepo(path: desktop.directory.repoPath, did: alice.did)
        let clock = TIDClock(after: repo.head.flatMap { try? TID(string: $0.rev) })
        var pushes: [CommitPush] = []
        for i in 1...3 {
            var push = try repo.prepare([Desktop.post(text: "stored \(i)")], swapCommit: nil, clock: clock).push
            push.id = i
            pushes.append(push)
        }
        let acks = await relay.environment.enrollment.ingest(pushes).compactMap { if case .ack(let a) = $0 { return a } else { return nil } }
        try #require(acks.count == 3)
        try repo.acked(rev: pushes[0].rev, sig: acks[0].sig)
        try repo.acked(rev: pushes[1].rev, sig: acks[1].sig)
        let batch = try #require(repo.takeSealed())
        try repo.acked(rev: pushes[2].rev, sig: acks[2].sig)
        let written = await repo.write(batch)
        try repo.flush()
        try repo.finish(batch, written)
        #expect(repo.head?.rev == pushes[2].rev && repo.stored == 3 && repo.sealedCount == 3 && !repo.isLost(3))
        #expect(try DeviceRepo(path: desktop.directory.repoPath, did: alice.did).head?.rev == pushes[2].rev)
        await relay.stop()
    }

    @Test func commitsWhoseAcksWereLostArePushedAgainOnReconnect() async throws {
        let relay = try await EnrollRelay.start()
        let lines = Lines()
        let (alice, desktop) = try await EnrollWritePathTests.paired(relay, "alice", lines: lines)
        await desktop.stop()
        // Two pipelined commits the relay signed, whose acks never reached the desktop.
        let repo = try #require(await desktop.repoForTesting())
        let clock = TIDClock(after: repo.tipRev.flatMap { try? TID(string: $0) })
        var pushes: [CommitPush] = []
        for i in 1...2 {
            var push = try repo.prepare([Desktop.post(text: "ack lost \(i)")], swapCommit: nil, clock: clock).push
            push.id = i
            pushes.append(push)
        }
        let signed = await relay.environment.enrollment.ingest(pushes)
        let seqs = signed.compactMap { if case .ack(let a) = $0 { return a.seq } else { return nil } }
        #expect(seqs.count == 2)
        let events = try await relay.seqs().count

        try await desktop.start()
        try await deadline(300) { await desktop.waitConnected() }
        #expect(lines.all.contains { $0.contains("pushed again 2 commit(s)") }, "\(lines.all)")
        let head = try #require(await desktop.headForTesting())
        #expect(head.rev == pushes[1].rev)
        #expect(try await relay.seqs().count == events)  // acked again, not signed or sequenced again
        #expect(try await relay.post(alice, "after the resumed chain").status == 200)
        await desktop.stop()
        await relay.stop()
    }

    @Test func aCommitStoredWithoutItsAckIsRecoveredOnRepush() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await EnrollWritePathTests.paired(relay, "alice")
        await desktop.stop()
        let enrollment = relay.environment.enrollment
        let repo = try DeviceRepo(path: desktop.directory.repoPath, did: alice.did)
        var push = try repo.prepare([Desktop.post(text: "stored, then the relay stopped")], swapCommit: nil,
                                    clock: TIDClock(after: repo.head.flatMap { try? TID(string: $0.rev) })).push
        push.id = 1
        let key = try #require(try await relay.environment.keys.signingKey(did: alice.did))
        let (signed, _) = try CommitAck.signing(push, with: key, seq: nil)
        // The first half of an ingest only: into the cache, not sequenced, no ack recorded.
        let unsent = push
        try await enrollment.withCacheForTesting { cache in
            _ = try cache.seal(try cache.check(unsent), sig: signed.sig)
            try cache.flush(unsent.did)
        }
        let before = try await relay.seqs().count
        guard case .ack(let ack) = await enrollment.ingest(push) else { Issue.record("not recovered"); return }
        #expect(ack.sig == signed.sig && ack.seq == before + 1)
        guard case .ack(let again) = await enrollment.ingest(push) else { Issue.record("not idempotent"); return }
        #expect(again.seq == ack.seq)
        #expect(try await relay.seqs().count == before + 1)

        // Stopped after the sequencer but before the ack store: the same seq, no second event.
        try repo.acked(rev: push.rev, sig: ack.sig)
        try repo.flush()
        var second = try repo.prepare([Desktop.post(text: "sequenced, then the relay stopped")], swapCommit: nil,
                                      clock: TIDClock(after: repo.head.flatMap { try? TID(string: $0.rev) })).push
        second.id = 2
        let (signedSecond, _) = try CommitAck.signing(second, with: key, seq: nil)
        let half = second
        let sequenced = try await enrollment.withCacheForTesting { cache in
            let (block, newBlocks) = try cache.seal(try cache.check(half), sig: signedSecond.sig)
            try cache.flush(half.did)
            return Enrollment.repoCommit(half, block: block, newBlocks: newBlocks)
        }
        let event = try relay.environment.sequencer.commitEvent(sequenced)
        guard case .ack(let recovered) = await enrollment.ingest(second) else { Issue.record("not recovered"); return }
        #expect(recovered.seq == Int(event.seq))
        #expect(try await relay.seqs().count == before + 2)
        repo.abandon()
        await relay.stop()
    }
}
