import Protocol

extension Repository {
    /// Streams the repo as a CAR rooted at the head commit: the commit block first, then every block
    /// written after `since` (all blocks when nil), oldest first.
    public func exportCAR(since: String? = nil, sink: @escaping ([UInt8]) throws -> Void) throws {
        guard let head else { throw RepoError.notInitialized }
        guard let commit = try storage.block(head.commit) else { throw RepoError.mst(.missingBlock(head.commit)) }
        var car = try CARWriter(roots: [head.commit], sink: sink)
        try car.write(Block(cid: head.commit, bytes: commit))
        try storage.forEachBlock(since: since) { b in
            if b.cid != head.commit { try car.write(b) }
        }
        try car.flush()
    }

    public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
        case storeNotEmpty(did: String)
        public var description: String {
            switch self { case .storeNotEmpty(let d): "the data directory already holds a repo (\(d))" }
        }
    }

    /// Verifies a full-repo CAR (signature when `signature` is given) and loads it into an empty store.
    @discardableResult
    public static func importCAR(_ bytes: [UInt8], into storage: any RepoStorage,
                                 signature: ((_ sig: [UInt8], _ message: [UInt8]) -> Bool)?) throws -> RepoHead {
        if let h = try storage.head() { throw ImportError.storeNotEmpty(did: h.did) }
        let loaded: (roots: [CID], blocks: [CID: [UInt8]])
        do { loaded = try CARReader.load(bytes) } catch { throw RepoError.verify(.car(error)) }
        guard loaded.roots.count == 1 else { throw RepoError.verify(.roots(loaded.roots.count)) }
        let summary: RepoSummary
        do { summary = try RepoVerifier.verify(commit: loaded.roots[0], blocks: loaded.blocks, signature: signature) }
        catch { throw RepoError.verify(error) }
        let head = RepoHead(did: summary.commit.did, commit: summary.commitCID, rev: summary.commit.rev, data: summary.commit.data)
        var wanted = [summary.commitCID] + summary.nodes + summary.records.map(\.cid)
        wanted = Array(Set(wanted))
        let blocks = wanted.map { Block(cid: $0, bytes: loaded.blocks[$0]!) }
        let changes = summary.records.map { r -> (collection: String, rkey: String, cid: CID?) in
            let parts = r.key.split(separator: "/", maxSplits: 1)
            return (String(parts[0]), String(parts[1]), r.cid)
        }
        try storage.apply(StorageWrite(head: head, putBlocks: blocks, recordChanges: changes))
        return head
    }
}
