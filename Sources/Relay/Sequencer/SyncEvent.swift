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

    /// `#sync` of `did`'s head as `repo` holds it; false when it has none.
    @discardableResult
    func syncHead(did: String, repo: any RepoHost) async throws -> Bool {
        guard let head = try await repo.head(did: did),
              let block = try await repo.blocks(did: did, cids: [head.cid]).found.first else { return false }
        try syncEvent(did: did, commit: head.cid, commitBytes: block.bytes, rev: head.rev)
        return true
    }
}
