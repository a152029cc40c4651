/// Verifies a DID's op chain, sans-IO: what a PLC directory checks before accepting an op and
/// what a resolver checks before trusting a log.
///
/// The chain is linear: each op's `prev` is the CID of the op before it and is signed by one of
/// the PREVIOUS op's rotation keys; the genesis is signed by one of its own and hashes to the DID.
/// Forks by a higher-priority key within 72 h (nullification) are the directory's business and
/// are not followed here: pass only the ops that are not nullified.
public enum PLCLog {
    /// The state after the last op, or nil when the log ends in a tombstone.
    @discardableResult
    public static func verify(did: String, ops: [PLCSignedOperation]) throws(PLCError) -> PLCOperation? {
        guard let first = ops.first else { throw .emptyLog }
        var state: PLCOperation? = try verifyGenesis(did: did, first)
        var prev = first.cid
        for (i, op) in ops.enumerated().dropFirst() {
            guard let current = state else { throw .afterTombstone(index: i) }
            state = try verifyNext(op, after: current, prevCID: prev, index: i)
            prev = op.cid
        }
        return state
    }

    /// The genesis' own state once its hash and self-signature check out.
    public static func verifyGenesis(did: String, _ op: PLCSignedOperation) throws(PLCError) -> PLCOperation {
        guard did.hasPrefix("did:plc:") else { throw .notPLC(did) }
        guard let state = op.op.state else { throw .invalidGenesis("a tombstone cannot start a log") }
        guard op.prev == nil else { throw .invalidGenesis("genesis has a prev") }
        _ = try op.signer(among: state.rotationKeys, index: 0)
        let actual = op.did
        guard actual == did else { throw .genesisHashMismatch(expected: did, actual: actual) }
        return state
    }

    /// Checks `op` as the successor of the op with CID `prevCID` and state `current`; returns its
    /// state (nil for a tombstone).
    public static func verifyNext(_ op: PLCSignedOperation, after current: PLCOperation, prevCID: CID,
                                  index: Int) throws(PLCError) -> PLCOperation? {
        guard op.prev == prevCID else { throw .misordered(index: index) }
        if case .legacyCreate = op.op { throw .invalidGenesis("legacy create after genesis") }
        _ = try op.signer(among: current.rotationKeys, index: index)
        return op.op.state
    }
}
