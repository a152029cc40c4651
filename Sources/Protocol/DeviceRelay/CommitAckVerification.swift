/// The device's check of a `commitAck` (spec section 6.4): the signature covers exactly the pushed
/// unsigned commit bytes, and `cid` is the CID of that commit with `sig` added.
public enum CommitAckVerificationError: Error, Hashable, Sendable {
    case revMismatch(pushed: String, acked: String)
    case commitNotAMap
    case commitAlreadySigned
    case badSignature
    case cidMismatch(expected: CID, acked: CID)
}

extension CommitAck {
    /// Checks this ack against the push it answers and the account's signing key (from its DID document).
    public func verify(for push: CommitPush, signingKey: any PublicKey) throws(CommitAckVerificationError) {
        guard rev == push.rev else { throw .revMismatch(pushed: push.rev, acked: rev) }
        guard case .map(var commit)? = try? DAGCBOR.decode(push.commit) else { throw .commitNotAMap }
        guard commit["sig"] == nil else { throw .commitAlreadySigned }
        guard signingKey.verify(signature: sig, for: push.commit) else { throw .badSignature }
        commit["sig"] = .bytes(sig)
        let expected = DAGCBOR.cid(of: .map(commit))
        guard expected == cid else { throw .cidMismatch(expected: expected, acked: cid) }
    }

    /// What a relay does to answer a push: sign the unsigned commit, derive the signed commit's CID.
    public static func signing(_ push: CommitPush, with key: any SigningKey, seq: Int?) throws -> (ack: CommitAck, signedCommit: [UInt8]) {
        guard case .map(var commit) = try DAGCBOR.decode(push.commit) else {
            throw CommitAckVerificationError.commitNotAMap
        }
        let sig = try key.sign(push.commit)
        commit["sig"] = .bytes(sig)
        let signed = DAGCBOR.encode(.map(commit))
        return (CommitAck(id: push.id, seq: seq, cid: CID.compute(.dagCBOR, signed), rev: push.rev, sig: sig), signed)
    }
}
