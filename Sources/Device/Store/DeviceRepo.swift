import Foundation
import Protocol
import Repo

/// The desktop's authoritative repo: builds each commit, pushes it unsigned, and makes it durable
/// only with the relay's signature (spec 6.1, 6.4). One commit in flight at a time: the engine holds
/// the prepared commit until `commit(sig:)` or `abandon()`. Owned by one actor.
final class DeviceRepo: @unchecked Sendable {
    let storage: SQLiteRepoStorage
    private(set) var repo: Repository?
    let did: String

    init(path: String, did: String) throws {
        storage = try SQLiteRepoStorage(path: path)
        self.did = did
        repo = try storage.head() == nil ? nil : try Repository(storage: storage, did: did)
    }

    var head: RepoHead? { repo?.head }

    /// Promotion: verify the relay's full CAR against the account key and load it.
    func importPromotion(_ car: [UInt8], signingKey: any PublicKey) throws -> RepoHead {
        if let head = try storage.head() { return head }  // a retried promotion of the same repo
        let head = try Repository.importCAR(car, into: storage) { sig, message in signingKey.verify(signature: sig, for: message) }
        repo = try Repository(storage: storage, did: did)
        return head
    }

    enum WriteFailure: Error { case refused(WriteError, String) }

    /// Applies writes to the tree and builds the push; nothing is durable until `commit(sig:)`.
    func prepare(_ writes: [ProxiedWrite], swapCommit: CID?, clock: TIDClock) throws -> (push: CommitPush, results: [WriteOutcome]) {
        guard let repo, let head = repo.head else { throw WriteFailure.refused(.internalError, "no repo yet: pair first") }
        if let swapCommit, swapCommit != head.commit {
            throw WriteFailure.refused(.invalidSwap, "Commit was at \(head.commit)")
        }
        var engine: [RecordWrite] = []
        var results: [WriteOutcome] = []
        for w in writes {
            let rkey = w.rkey ?? clock.next().string
            let uri = "at://\(did)/\(w.collection)/\(rkey)"
            let current = try repo.record(collection: w.collection, rkey: rkey)
            if let swap = w.swapRecord, swap != current {
                throw WriteFailure.refused(.invalidSwap, "Record was at \(current?.description ?? "null")")
            }
            switch w.action {
            case .create, .update:
                guard let value = w.value else { throw WriteFailure.refused(.invalidRequest, "a \(w.action) needs a record") }
                if w.action == .create, current != nil { throw WriteFailure.refused(.invalidSwap, "Record already exists: \(uri)") }
                let bytes = DAGCBOR.encode(.map(value))
                engine.append(w.action == .create ? .create(collection: w.collection, rkey: rkey, record: bytes)
                                                  : .update(collection: w.collection, rkey: rkey, record: bytes))
                results.append(WriteOutcome(uri: uri, cid: CID.compute(.dagCBOR, bytes)))
            case .delete:
                guard current != nil else { throw WriteFailure.refused(.recordNotFound, "Could not locate record: \(uri)") }
                engine.append(.delete(collection: w.collection, rkey: rkey))
                results.append(WriteOutcome(uri: uri, cid: nil))
            }
        }
        let prepared: PreparedCommit
        do { prepared = try repo.prepare(engine) } catch { throw WriteFailure.refused(.invalidRequest, "\(error)") }
        let root = prepared.commit.data
        let car = CARWriter.encode(roots: [root], blocks: prepared.newBlocks)
        let ops = prepared.ops.map { op in
            RepoOp(action: RepoOp.Action(rawValue: op.action.rawValue)!, path: op.key, cid: op.cid, prev: op.prev)
        }
        let push = CommitPush(id: 0, did: did, rev: prepared.commit.rev, since: head.rev, prevData: head.data,
                              commit: prepared.commit.bytesToSign, blocks: car, ops: ops)
        return (push, results)
    }

    func commit(sig: [UInt8]) throws -> SignedCommit {
        guard let repo else { throw RepoError.notInitialized }
        return try repo.apply(signature: sig)
    }

    func abandon() { try? repo?.abandon() }
}
