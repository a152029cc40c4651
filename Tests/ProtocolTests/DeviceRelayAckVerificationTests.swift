import Testing
@testable import Protocol

/// Section 6.4: a device trusts an ack only if the signature covers its bytes and the CID is the
/// signed commit's.
@Suite struct DeviceRelayAckVerificationTests {
    @Test func realSignatureVerifiesAndTamperingIsCaught() throws {
        let key = K256SigningKey()
        var push = Fixture.commit(rev: "3lbx5yqqtkc2a", since: nil)
        push.id = 4
        let (ack, signed) = try CommitAck.signing(push, with: key, seq: 1042)
        #expect(ack.id == 4 && ack.seq == 1042 && ack.sig.count == 64)
        #expect(DAGCBOR.cid(of: try DAGCBOR.decode(signed)) == ack.cid)
        try ack.verify(for: push, signingKey: key.publicKey)

        var badSig = ack
        badSig.sig[10] ^= 1
        #expect(throws: CommitAckVerificationError.badSignature) { try badSig.verify(for: push, signingKey: key.publicKey) }
        #expect(throws: CommitAckVerificationError.badSignature) {
            try ack.verify(for: push, signingKey: P256SigningKey().publicKey)
        }
        var badCID = ack
        badCID.cid = CID.compute(.dagCBOR, [0])
        #expect(throws: CommitAckVerificationError.cidMismatch(expected: ack.cid, acked: badCID.cid)) {
            try badCID.verify(for: push, signingKey: key.publicKey)
        }
        var otherRev = ack
        otherRev.rev = "3lbx5yzzzzz2a"
        #expect(throws: CommitAckVerificationError.revMismatch(pushed: push.rev, acked: otherRev.rev)) {
            try otherRev.verify(for: push, signingKey: key.publicKey)
        }
        var garbage = push
        garbage.commit = [0x01]
        #expect(throws: CommitAckVerificationError.commitNotAMap) { try ack.verify(for: garbage, signingKey: key.publicKey) }
    }
}
