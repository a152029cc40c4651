import Foundation
import Protocol
import Repo
import Testing
@testable import Device
@testable import Relay

/// The ack store and the sequencer are made durable side by side (`Enrollment.publish`): an ack
/// whose event was lost (a stop between the two) must not be answered with a seq that names no
/// event, or another account's event; the commit is sequenced again under the stored signature.
@Suite(.serialized) struct EnrollAckRecoveryTests {
    @Test func anAckWhoseEventWasLostIsSequencedAgain() async throws {
        let relay = try await EnrollRelay.start()
        let (alice, desktop) = try await EnrollWritePathTests.paired(relay, "alice")
        await desktop.stop()
        let enrollment = relay.environment.enrollment
        let repo = try DeviceRepo(path: desktop.directory.repoPath, did: alice.did)
        var push = try repo.prepare([Desktop.post(text: "acked, then its event was lost")], swapCommit: nil,
                                    clock: TIDClock(after: repo.head.flatMap { try? TID(string: $0.rev) })).push
        push.id = 1
        let key = try #require(try await relay.environment.keys.signingKey(did: alice.did))
        let (signed, _) = try CommitAck.signing(push, with: key, seq: nil)
        let half = push
        let cid = try await enrollment.withCacheForTesting { cache in
            let (block, _) = try cache.seal(try cache.check(half), sig: signed.sig)
            try cache.flush(half.did)
            return block.cid
        }
        let before = try await relay.seqs()
        // The ack names seq 1 (an event of the account's creation, not this commit): as after a
        // restart that handed the lost seq out again.
        try await enrollment.store.storeAck(did: push.did, rev: push.rev, commit: push.commit, seq: 1, cid: cid,
                                            sig: signed.sig, now: 0)
        guard case .ack(let ack) = await enrollment.ingest(push) else { Issue.record("not recovered"); return }
        #expect(ack.sig == signed.sig && ack.cid == cid)
        #expect(ack.seq == Int(before.last ?? 0) + 1)
        #expect(try await enrollment.store.ack(did: push.did, rev: push.rev)?.seq == ack.seq)
        guard case .ack(let again) = await enrollment.ingest(push) else { Issue.record("not idempotent"); return }
        #expect(again.seq == ack.seq)
        #expect(try await relay.seqs().count == before.count + 1)
        repo.abandon()
        await relay.stop()
    }
}
