import Foundation
import Protocol
import Repo

/// The desktop's authoritative repo: builds each commit, pushes it unsigned, and makes it durable
/// only with the relay's signature (spec 6.1, 6.4). Pipelined (spec 6.1, `maxInFlight`): commits
/// chain in memory on one tree, each built on the previous unacknowledged one; acks seal them in
/// order and `flush` stores every sealed one in one transaction. A reject drops the chain from
/// there and the tree goes back to the durable head. Owned by one actor.
final class DeviceRepo: @unchecked Sendable {
    let storage: SQLiteRepoStorage
    let did: String
    /// The durable head: the last commit stored with the relay's signature.
    private(set) var head: RepoHead?
    private var tree: MST?
    /// Pushed, not yet acked, oldest first.
    private var inFlight: [Chained] = []
    /// Acked, not yet stored, oldest first, and the head they lead to.
    private var sealed: [StorageWrite] = []
    private var sealedHead: RepoHead?

    init(path: String, did: String) throws {
        storage = try SQLiteRepoStorage(path: path)
        self.did = did
        try reload()
    }

    private func reload() throws {
        // Wait for the writes under way, so the head read below includes them.
        writeQueue.sync {}
        generation += 1
        if !sealed.isEmpty { markLost(from: sealedCount - sealed.count + 1) }
        stored = max(stored, sealedCount)
        headThrough = sealedCount
        inFlight = []
        sealed = []
        sealedHead = nil
        head = try storage.head()
        if let head, head.did != did { throw RepoError.didMismatch(stored: head.did, requested: did) }
        tree = try head.map { h throws(MSTError) in try MST(source: storage, root: h.data) }
    }

    /// The head new commits build on: the last in flight, else the last sealed, else the durable one.
    private var tip: (rev: String, data: CID)? {
        if let last = inFlight.last { return (last.commit.rev, last.commit.data) }
        let h = sealedHead ?? head
        return h.map { ($0.rev, $0.data) }
    }

    var hasInFlight: Bool { !inFlight.isEmpty }

    /// Pushed on a connection that ended before their acks: pushed again, first, on the next one
    /// (the relay answers a rev it signed with the same ack, spec 6.3).
    var unacknowledged: [CommitPush] { inFlight.map(\.push) }

    /// The newest rev of the chain (new commits' revs must follow it).
    var tipRev: String? { tip?.rev }

    /// One commit of the chain: what its storage write needs once the signature comes.
    struct Chained {
        var push: CommitPush
        var commit: UnsignedCommit
        var newBlocks: [Block]
        var ops: [RecordOp]
        var removedNodes: [CID]
        var releasedRecords: [CID]
    }

    /// Promotion: verify the relay's full CAR against the account key and load it.
    func importPromotion(_ car: [UInt8], signingKey: any PublicKey) throws -> RepoHead {
        if let head = try storage.head() { return head }  // a retried promotion of the same repo
        let head = try Repository.importCAR(car, into: storage) { sig, message in signingKey.verify(signature: sig, for: message) }
        try reload()
        return head
    }

    enum WriteFailure: Error { case refused(WriteError, String) }

    /// Applies writes to the tree on top of the chain and builds the push; durable only once acked
    /// and flushed. A swapCommit names a signed commit, so it only matches with nothing in flight.
    func prepare(_ writes: [ProxiedWrite], swapCommit: CID?, clock: TIDClock) throws -> (push: CommitPush, results: [WriteOutcome]) {
        guard let tree, let tip else { throw WriteFailure.refused(.internalError, "no repo yet: pair first") }
        if let swapCommit {
            let current = inFlight.isEmpty ? (sealedHead ?? head)?.commit : nil
            guard swapCommit == current else { throw WriteFailure.refused(.invalidSwap, "Commit was at \(current?.description ?? "a commit not yet signed")") }
        }
        var ops: [RecordOp] = []
        var blocks: [Block] = []
        var results: [WriteOutcome] = []
        do {
            for w in writes {
                let rkey = w.rkey ?? clock.next().string
                let key = "\(w.collection)/\(rkey)"
                let uri = "at://\(did)/\(key)"
                let current = try tree.get(key)
                if let swap = w.swapRecord, swap != current {
                    throw WriteFailure.refused(.invalidSwap, "Record was at \(current?.description ?? "null")")
                }
                switch w.action {
                case .create, .update:
                    guard let value = w.value else { throw WriteFailure.refused(.invalidRequest, "a \(w.action) needs a record") }
                    if w.action == .create, current != nil { throw WriteFailure.refused(.invalidSwap, "Record already exists: \(uri)") }
                    let bytes = DAGCBOR.encode(.map(value))
                    let cid = CID.compute(.dagCBOR, bytes)
                    let prev = try tree.put(key, cid)
                    if prev != cid {
                        blocks.append(Block(cid: cid, bytes: bytes))
                        ops.append(RecordOp(action: prev == nil ? .create : .update, key: key, prev: prev, cid: cid))
                    }
                    results.append(WriteOutcome(uri: uri, cid: cid))
                case .delete:
                    guard let prev = try tree.remove(key) else { throw WriteFailure.refused(.recordNotFound, "Could not locate record: \(uri)") }
                    ops.append(RecordOp(action: .delete, key: key, prev: prev, cid: nil))
                    results.append(WriteOutcome(uri: uri, cid: nil))
                }
            }
        } catch {
            // The tree holds half of this write set: rebuild the chain's state without it.
            try rebuildTree()
            if let failure = error as? WriteFailure { throw failure }
            throw WriteFailure.refused(.invalidRequest, "\(error)")
        }
        var nodes: [Block] = []
        let data = tree.rootCID { nodes.append($0) }
        // A split or merge can rebuild a node identical to the one it replaced: not new, not removed.
        let dropped = Set(tree.takeDropped())
        nodes.removeAll { dropped.contains($0.cid) }
        let commit = UnsignedCommit(did: did, data: data, rev: clock.next().string)
        let newBlocks = nodes + blocks
        let pushOps = ops.map { RepoOp(action: RepoOp.Action(rawValue: $0.action.rawValue)!, path: $0.key, cid: $0.cid, prev: $0.prev) }
        let push = CommitPush(id: 0, did: did, rev: commit.rev, since: tip.rev, prevData: tip.data, commit: commit.bytesToSign,
                              blocks: CARWriter.encode(roots: [data], blocks: newBlocks), ops: pushOps)
        inFlight.append(Chained(push: push, commit: commit, newBlocks: newBlocks, ops: ops,
                                removedNodes: Array(dropped.subtracting(nodes.map(\.cid))), releasedRecords: ops.compactMap(\.prev)))
        return (push, results)
    }

    /// The relay acked `rev` with `sig`: seal the oldest commit in flight (acks come in push order).
    func acked(rev: String, sig: [UInt8]) throws {
        guard let first = inFlight.first, first.commit.rev == rev else { throw RepoError.noPendingCommit }
        inFlight.removeFirst()
        let block = SignedCommit(unsigned: first.commit, sig: sig).block
        let previous = sealedHead ?? head
        let newHead = RepoHead(did: did, commit: block.cid, rev: first.commit.rev, data: first.commit.data)
        let changes = first.ops.map { op in
            let parts = op.key.split(separator: "/", maxSplits: 1)
            return (collection: String(parts[0]), rkey: String(parts[1]), cid: op.cid)
        }
        sealedCount += 1
        sealed.append(StorageWrite(head: newHead, putBlocks: first.newBlocks + [block],
                                   deleteBlocks: first.removedNodes + (previous.map { [$0.commit] } ?? []),
                                   releasedRecords: first.releasedRecords, recordChanges: changes))
        sealedHead = newHead
    }

    /// Stores every sealed commit in one transaction (one fsync for a burst of acks), on the
    /// caller's thread: after any batch `takeSealed` handed out (the writes share one serial queue).
    func flush() throws {
        guard !sealed.isEmpty else { return }
        let batch = sealed
        do { try writeQueue.sync { try storage.apply(batch: batch) } } catch { markLost(); try? reload(); throw error }
        sealed = []
        head = batch.last?.head
        sealedHead = nil
        stored = sealedCount
        headThrough = sealedCount
    }

    // MARK: flushing off the owner (pushes keep being built while the disk syncs)

    /// Every storage write goes through this serial queue, so batches land in seal order.
    private let writeQueue = DispatchQueue(label: "dpds.device.repo.write")
    /// Commits sealed since the start and stored since the start (counts of `acked` calls), and
    /// the ones a failed write lost: the caller of commit `n` waits until `stored >= n`.
    private(set) var sealedCount = 0
    private(set) var stored = 0
    /// The count of sealed commits `head` includes.
    private var headThrough = 0
    private var lostRanges: [ClosedRange<Int>] = []

    func isLost(_ n: Int) -> Bool { lostRanges.contains { $0.contains(n) } }

    private func markLost(from first: Int? = nil) {
        let from = first ?? stored + 1
        if sealedCount >= from { lostRanges.append(from...sealedCount) }
        stored = max(stored, sealedCount)
    }

    struct SealedBatch: @unchecked Sendable {
        let writes: [StorageWrite]
        let through: Int
        let generation: Int
    }
    /// Bumped by `reload`: a batch taken before it is already accounted for.
    private var generation = 0

    /// Hands out every sealed commit for `write`; nil when nothing waits.
    func takeSealed() -> SealedBatch? {
        guard !sealed.isEmpty else { return nil }
        defer { sealed = [] }
        return SealedBatch(writes: sealed, through: sealedCount, generation: generation)
    }

    /// Stores a taken batch in one transaction on the write queue; the owner awaits it without
    /// being blocked, then calls `finish`.
    func write(_ batch: SealedBatch) async -> Result<Void, Error> {
        await withCheckedContinuation { done in
            writeQueue.async { [storage] in done.resume(returning: Result { try storage.apply(batch: batch.writes) }) }
        }
    }

    /// The batch's write ended: its head is durable (or, on failure, the chain is dropped).
    func finish(_ batch: SealedBatch, _ result: Result<Void, Error>) throws {
        guard batch.generation == generation else {
            // `reload` ran meanwhile and read the storage as this write left it.
            if case .failure(let error) = result {
                lostRanges.append((batch.through - batch.writes.count + 1)...batch.through)
                throw error
            }
            return
        }
        switch result {
        case .success:
            // A later synchronous `flush` may have moved the head past this batch already.
            if batch.through > headThrough {
                head = batch.writes.last?.head
                headThrough = batch.through
            }
            if sealed.isEmpty, sealedHead == head { sealedHead = nil }
            stored = max(stored, batch.through)
        case .failure(let error):
            markLost(from: batch.through - batch.writes.count + 1)
            try? reload()
            throw error
        }
    }

    /// Drops `rev` and every commit built on it; the tree goes back to what is sealed.
    func abandon(from rev: String? = nil) {
        let index: Int
        if let rev {
            // Already dropped with an older commit of the chain: nothing left to do.
            guard let found = inFlight.firstIndex(where: { $0.commit.rev == rev }) else { return }
            index = found
        } else {
            index = 0
        }
        inFlight.removeSubrange(index...)
        try? rebuildTree()
    }

    /// The tree as the sealed head left it, plus the commits still in flight replayed on top.
    private func rebuildTree() throws {
        try? flush()
        let keep = inFlight
        try reload()
        guard !keep.isEmpty, let tree else { return }
        for p in keep {
            for op in p.ops {
                if let cid = op.cid { _ = try tree.put(op.key, cid) } else { _ = try tree.remove(op.key) }
            }
            _ = tree.rootCID { _ in }
            _ = tree.takeDropped()
        }
        inFlight = keep
    }
}
