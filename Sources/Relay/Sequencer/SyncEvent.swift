import Protocol
import Repo

extension Sequencer {
    /// `#sync`: "this repo is now at this commit", for a consumer that must resync rather than follow
    /// diffs (an account arriving by migration, or coming back after deactivation). `blocks` is a
    /// CAR holding only the commit block, as the lexicon asks.
    public func syncEvent(did: String, commit: CID, commitBytes: [UInt8], rev: String) throws {
        let car = CARWriter.encode(roots: [commit], blocks: [Block(cid: commit, bytes: commitBytes)])
        try sequence(did: did, type: "#sync", body: [
            "did": .string(did), "blocks": .bytes(car), "rev": .string(rev),
        ])
    }
}
