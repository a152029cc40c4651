import Protocol
import Repo

/// Reads answered the same way from the relay's own repos and from its cache of an enrolled
/// desktop's repo: both are an engine `Repository` over a SQLite store.
enum RepoReads {
    static func blocks(_ cids: [CID], in storage: SQLiteRepoStorage) throws -> (found: [(cid: CID, bytes: [UInt8])], missing: [CID]) {
        var found: [(cid: CID, bytes: [UInt8])] = [], missing: [CID] = []
        for cid in cids {
            if let bytes = try storage.block(cid) { found.append((cid, bytes)) } else { missing.append(cid) }
        }
        return (found, missing)
    }

    /// A CAR rooted at the head commit proving `collection/rkey`: the commit, the MST nodes on the
    /// key's path, and the record when there is one.
    static func recordProof(_ repo: Repository, _ storage: SQLiteRepoStorage, collection: String, rkey: String) throws -> [UInt8] {
        guard let head = repo.head, let commit = try storage.block(head.commit) else { throw RepoHostError.repoNotFound }
        let tree = try MST(source: storage, root: head.data)
        _ = tree.rootCID()
        var blocks = [Block(cid: head.commit, bytes: commit)] + (try tree.coveringProof(for: ["\(collection)/\(rkey)"]))
        if let cid = try repo.record(collection: collection, rkey: rkey), let bytes = try storage.block(cid) {
            blocks.append(Block(cid: cid, bytes: bytes))
        }
        return CARWriter.encode(roots: [head.commit], blocks: blocks)
    }
}
