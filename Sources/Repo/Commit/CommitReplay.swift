import Protocol

/// A signed commit as a log of commits holds it (the firehose's `#commit`: the commit block and the
/// blocks it added, as a CAR, and its ops), replayed onto a store that lost it: redo after a power
/// loss took the store's last transactions but not the log's.
public struct LoggedCommit: Sendable {
    public struct Op: Sendable {
        public let path: String
        /// nil for a delete.
        public let cid: CID?
        public init(path: String, cid: CID?) { self.path = path; self.cid = cid }
    }
    public let commit: CID
    public let since: String?
    /// CAR of the commit block and every block the commit added.
    public let blocks: [UInt8]
    public let ops: [Op]

    public init(commit: CID, since: String?, blocks: [UInt8], ops: [Op]) {
        self.commit = commit; self.since = since; self.blocks = blocks; self.ops = ops
    }
}

public enum CommitReplayError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The logged commit does not follow the store's head.
    case notNext(head: String?, since: String?)
    case missingBlock(CID)
    case malformed(String)
    /// The ops on the stored tree do not give the commit's `data` root.
    case dataMismatch(expected: CID, got: CID)

    public var description: String {
        switch self {
        case .notNext(let head, let since): "logged commit follows \(since ?? "nothing"), the store's head is \(head ?? "nothing")"
        case .missingBlock(let c): "logged commit lacks block \(c.debugString)"
        case .malformed(let why): "logged commit is malformed: \(why)"
        case .dataMismatch(let e, let g): "ops give data \(g.debugString), the commit says \(e.debugString)"
        }
    }
}

extension Repository {
    /// Stores `logged` as the store's next commit, exactly as it was signed: its ops applied to the
    /// stored tree must give the commit's data root, so nothing unchecked is stored. Returns its rev.
    @discardableResult
    public static func replay(_ logged: LoggedCommit, into storage: any RepoStorage) throws -> String {
        let head = try storage.head()
        guard logged.since == head?.rev else { throw CommitReplayError.notNext(head: head?.rev, since: logged.since) }
        let blocks: [CID: [UInt8]]
        do { blocks = try CARReader.load(logged.blocks).blocks } catch { throw CommitReplayError.malformed("blocks: \(error)") }
        guard let commitBytes = blocks[logged.commit] else { throw CommitReplayError.missingBlock(logged.commit) }
        let signed: SignedCommit
        do { signed = try SignedCommit.decode(commitBytes) } catch { throw CommitReplayError.malformed("\(error)") }
        let source = OverlaySource(blocks: blocks, base: storage)
        let tree = try head.map { try MST(source: source, root: $0.data) } ?? MST(source: source)
        var changes: [(collection: String, rkey: String, cid: CID?)] = []
        var released: [CID] = []
        for op in logged.ops {
            let parts = op.path.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { throw CommitReplayError.malformed("op path \(op.path)") }
            let prev = try op.cid.map { try tree.put(op.path, $0) } ?? tree.remove(op.path)
            if let prev, prev != op.cid { released.append(prev) }
            changes.append((String(parts[0]), String(parts[1]), op.cid))
        }
        // A node can leave its place and come back under the same CID (the old root, now a subtree):
        // dropped but re-hashed, it is still in the tree. The log omits it (the store had it).
        var rehashed: Set<CID> = []
        let root = tree.rootCID { rehashed.insert($0.cid) }
        guard root == signed.data else { throw CommitReplayError.dataMismatch(expected: signed.data, got: root) }
        let write = StorageWrite(
            head: RepoHead(did: signed.did, commit: logged.commit, rev: signed.rev, data: signed.data),
            putBlocks: blocks.map { Block(cid: $0.key, bytes: $0.value) },
            deleteBlocks: tree.takeDropped().filter { !rehashed.contains($0) } + (head.map { [$0.commit] } ?? []),
            releasedRecords: released, recordChanges: changes)
        try storage.apply(write)
        return signed.rev
    }
}

/// The logged commit's own blocks first, then the store's.
private struct OverlaySource: BlockSource {
    let blocks: [CID: [UInt8]]
    let base: any RepoStorage
    func block(_ cid: CID) throws -> [UInt8]? { try blocks[cid] ?? base.block(cid) }
}
