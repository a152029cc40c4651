import Crypto
import Protocol

public enum RecordWrite: Sendable, Equatable {
    /// `record` is the record's DAG-CBOR encoding.
    case create(collection: String, rkey: String, record: [UInt8])
    /// Creates or replaces.
    case update(collection: String, rkey: String, record: [UInt8])
    case delete(collection: String, rkey: String)

    var key: String {
        switch self {
        case .create(let c, let r, _), .update(let c, let r, _), .delete(let c, let r): "\(c)/\(r)"
        }
    }
}

public enum RepoError: Error, Equatable, Sendable, CustomStringConvertible {
    case recordExists(String)
    case recordMissing(String)
    case didMismatch(stored: String, requested: String)
    case noPendingCommit
    case pendingCommit
    case mst(MSTError)
    case verify(RepoVerifyError)
    case notInitialized
    case committerClosed

    public var description: String {
        switch self {
        case .recordExists(let k): "record \(k) already exists"
        case .recordMissing(let k): "record \(k) does not exist"
        case .didMismatch(let s, let r): "store holds \(s), not \(r)"
        case .noPendingCommit: "no prepared commit to apply"
        case .pendingCommit: "a prepared commit is waiting to be applied or abandoned"
        case .mst(let e): e.description
        case .verify(let e): e.description
        case .notInitialized: "repo has no commit yet"
        case .committerClosed: "the group committer is closed"
        }
    }
}

/// A commit ready to sign: the unsigned commit plus everything it introduces and removes.
public struct PreparedCommit: Sendable {
    public var commit: UnsignedCommit
    /// New MST nodes and new record blocks.
    public var newBlocks: [Block]
    public var ops: [RecordOp]
    public var removedNodes: [CID]
    public var releasedRecords: [CID]
    /// Covering-proof nodes for the ops (sync v1.1), when asked for.
    public var proof: [Block]
}

/// The repo engine for one account: MST over a `RepoStorage`, commits, export.
/// Not thread-safe by design: one writer owns it (wrap it in an actor to share).
public final class Repository {
    public let storage: any RepoStorage
    public let did: String
    public private(set) var head: RepoHead?
    let tree: MST
    let clock: TIDClock
    private var pending: PreparedCommit?

    public init(storage: any RepoStorage, did: String) throws {
        self.storage = storage
        self.did = did
        head = try storage.head()
        if let head, head.did != did { throw RepoError.didMismatch(stored: head.did, requested: did) }
        do { tree = try head.map { h throws(MSTError) in try MST(source: storage, root: h.data) } ?? MST(source: storage) }
        catch { throw RepoError.mst(error) }
        clock = TIDClock(after: head.flatMap { try? TID(string: $0.rev) })
    }

    public func record(collection: String, rkey: String) throws -> CID? {
        do { return try tree.get("\(collection)/\(rkey)") } catch { throw RepoError.mst(error) }
    }

    /// Applies `writes` to the tree and builds the unsigned commit. Call `apply` with its signature,
    /// or `abandon` to drop it.
    public func prepare(_ writes: [RecordWrite], proof: Bool = false) throws -> PreparedCommit {
        guard pending == nil else { throw RepoError.pendingCommit }
        var ops: [RecordOp] = []
        var blocks: [Block] = []
        do {
            for w in writes {
                let key = w.key
                switch w {
                case .create(_, _, let record), .update(_, _, let record):
                    let cid = CID(codec: .dagCBOR, digest: sha256Bytes(record))
                    let prev = try tree.put(key, cid)
                    if case .create = w, prev != nil { throw RepoError.recordExists(key) }
                    if prev != cid {
                        blocks.append(Block(cid: cid, bytes: record))
                        ops.append(RecordOp(action: prev == nil ? .create : .update, key: key, prev: prev, cid: cid))
                    }
                case .delete:
                    guard let prev = try tree.remove(key) else { throw RepoError.recordMissing(key) }
                    ops.append(RecordOp(action: .delete, key: key, prev: prev, cid: nil))
                }
            }
            var nodes: [Block] = []
            let data = tree.rootCID { nodes.append($0) }
            // A split or merge can rebuild a node identical to the one it replaced: not new, not removed.
            let dropped = Set(tree.takeDropped())
            let removed = Array(dropped.subtracting(nodes.map(\.cid)))
            nodes.removeAll { dropped.contains($0.cid) }
            let proofBlocks = proof ? try tree.coveringProof(for: ops.map(\.key)) : []
            let commit = UnsignedCommit(did: did, data: data, rev: clock.next().string)
            let prepared = PreparedCommit(commit: commit, newBlocks: nodes + blocks, ops: ops, removedNodes: removed,
                                          releasedRecords: ops.compactMap(\.prev), proof: proofBlocks)
            pending = prepared
            return prepared
        } catch {
            try reload()
            if let e = error as? MSTError { throw RepoError.mst(e) }
            throw error
        }
    }

    /// Persists the prepared commit with its signature in one durable transaction.
    @discardableResult
    public func apply(signature: [UInt8]) throws -> SignedCommit {
        let (signed, write) = try sealPending(signature: signature, after: head)
        do { try storage.apply(write) } catch { try reload(); throw error }
        head = write.head
        return signed
    }

    /// Turns the pending commit into its signed form and the storage write that persists it.
    private func sealPending(signature: [UInt8], after previous: RepoHead?) throws -> (SignedCommit, StorageWrite) {
        guard let p = pending else { throw RepoError.noPendingCommit }
        pending = nil
        let signed = SignedCommit(unsigned: p.commit, sig: signature)
        let block = signed.block
        let newHead = RepoHead(did: did, commit: block.cid, rev: p.commit.rev, data: p.commit.data)
        var changes: [(collection: String, rkey: String, cid: CID?)] = []
        for op in p.ops {
            let parts = op.key.split(separator: "/", maxSplits: 1)
            changes.append((String(parts[0]), String(parts[1]), op.cid))
        }
        let write = StorageWrite(head: newHead, putBlocks: p.newBlocks + [block],
                                 deleteBlocks: p.removedNodes + (previous.map { [$0.commit] } ?? []),
                                 releasedRecords: p.releasedRecords, recordChanges: changes)
        return (signed, write)
    }

    /// Group commit: each write set becomes its own signed commit, in order, and all of them are
    /// made durable by one transaction (one fsync). Nothing is acknowledged (returned) before
    /// everything is durable; on failure none is applied.
    @discardableResult
    public func commitGroup(_ groups: [[RecordWrite]], sign: ([UInt8]) throws -> [UInt8]) throws -> [SignedCommit] {
        var failed: Int?
        return try commitGroup(groups, sign: sign, failedGroup: &failed)
    }

    /// `commitGroup`, also telling which group's writes or signature failed (nil when the
    /// storage did), so a group committer can fail that caller alone and retry the others.
    func commitGroup(_ groups: [[RecordWrite]], sign: ([UInt8]) throws -> [UInt8], failedGroup: inout Int?) throws -> [SignedCommit] {
        var writes: [StorageWrite] = []
        var signed: [SignedCommit] = []
        var current = head
        failedGroup = nil
        do {
            for (i, g) in groups.enumerated() {
                failedGroup = i
                let p = try prepare(g)
                let (s, w) = try sealPending(signature: try sign(p.commit.bytesToSign), after: current)
                signed.append(s); writes.append(w); current = w.head
            }
            failedGroup = nil
            try storage.apply(batch: writes)
        } catch {
            try reload()
            throw error
        }
        head = current
        return signed
    }

    /// Drops a prepared commit, restoring the tree to the stored head.
    public func abandon() throws {
        pending = nil
        try reload()
    }

    private func reload() throws {
        pending = nil
        _ = tree.takeDropped()
        do {
            if let h = head { tree.root = try MST(source: storage, root: h.data).root }
            else { tree.root = MSTNode(layer: 0) }
        } catch { throw RepoError.mst(error) }
    }

    /// Prepare, sign and apply in one call.
    @discardableResult
    public func commit(_ writes: [RecordWrite], sign: ([UInt8]) throws -> [UInt8]) throws -> SignedCommit {
        let p = try prepare(writes)
        let sig: [UInt8]
        do { sig = try sign(p.commit.bytesToSign) } catch { try abandon(); throw error }
        return try apply(signature: sig)
    }

    /// Every (key, cid) in key order.
    public func list() throws -> [(key: String, value: CID)] { try tree.list() }
}
