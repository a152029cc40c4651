import Crypto
import Foundation
import Protocol
import Repo

/// The relay's read cache of enrolled accounts' repos (the desktop is authoritative): one SQLite
/// store per account under `enrolled/`, filled from the repo at promotion and then only by commits
/// the desktop pushed and the relay signed. Pushes are checked against an in-memory tree that
/// chains them (pipelined pushes, spec 6.1): `check` then `seal` each, then `flush` stores every
/// sealed commit in one transaction. Reads see only what is flushed. Not thread-safe: `Enrollment`
/// (an actor) owns it.
final class EnrolledCache: @unchecked Sendable {
    private let directory: URL
    private var accounts: [String: Account] = [:]

    /// One account's cache: the stored head, the chain of sealed commits not yet stored, and a
    /// read-side engine made on demand for the stored head.
    final class Account {
        let storage: SQLiteRepoStorage
        var durable: RepoHead
        var tip: RepoHead
        var tree: MST
        var unstored: [(write: StorageWrite, ops: [RecordOp])] = []
        var reader: Repository?

        init(storage: SQLiteRepoStorage, head: RepoHead) throws {
            self.storage = storage
            durable = head
            tip = head
            tree = try MST(source: storage, root: head.data)
        }
    }

    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
    }

    private func path(_ did: String) -> String {
        let safe = did.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return directory.appendingPathComponent(String(safe) + ".sqlite").path
    }

    func has(_ did: String) -> Bool { accounts[did] != nil || FileManager.default.fileExists(atPath: path(did)) }

    private func account(_ did: String) throws -> Account {
        if let a = accounts[did] { return a }
        guard has(did) else { throw RepoHostError.repoNotFound }
        let storage = try SQLiteRepoStorage(path: path(did))
        guard let head = try storage.head() else { throw RepoHostError.repoNotFound }
        let a = try Account(storage: storage, head: head)
        accounts[did] = a
        return a
    }

    /// The engine reads use, on the stored head.
    func repository(_ did: String) throws -> (repo: Repository, storage: SQLiteRepoStorage) {
        let a = try account(did)
        if let r = a.reader, r.head == a.durable { return (r, a.storage) }
        let r = try Repository(storage: a.storage, did: did)
        a.reader = r
        return (r, a.storage)
    }

    /// Replaces the cache with a verified full-repo CAR (promotion).
    func load(did: String, car: [UInt8]) throws {
        drop(did)
        let storage = try SQLiteRepoStorage(path: path(did))
        try Repository.importCAR(car, into: storage, signature: nil)
    }

    func drop(_ did: String) {
        accounts[did] = nil
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path(did) + suffix) }
    }

    /// The stored head (what reads and `welcome` report).
    func head(_ did: String) throws -> RepoHead? { try account(did).durable }

    /// The head pushes build on: the stored one or the last sealed commit not yet stored.
    func tip(_ did: String) -> RepoHead? { try? account(did).tip }

    enum IngestFailure: Error, Equatable {
        case reject(CommitReject.Code, String)
    }

    struct Checked {
        let commit: UnsignedCommit
        let newBlocks: [Block]
        let ops: [RecordOp]
        let removedNodes: [CID]
        let previous: RepoHead
    }

    /// Checks a pushed commit against the tip (spec 6.2) by replaying its ops on our own copy of the
    /// tree: the same ops on the same tree must give the pushed `data` root, which proves the pushed
    /// MST and ops consistent. On success the tree holds it until `seal` (or `rollback`).
    func check(_ push: CommitPush) throws -> Checked {
        func reject(_ code: CommitReject.Code, _ message: String) -> IngestFailure { .reject(code, message) }
        guard case .map(let map)? = try? DAGCBOR.decode(push.commit), map["sig"] == nil,
              map["version"] == .integer(3), map["did"]?.stringValue == push.did, map["rev"]?.stringValue == push.rev,
              case .link(let data)? = map["data"]
        else { throw reject(.invalidCommit, "commit is not an unsigned v3 commit matching the push") }
        let a = try account(push.did)
        let head = a.tip
        guard push.rev > head.rev else { throw reject(.staleRev, "rev \(push.rev) is not after \(head.rev)") }
        guard push.since == head.rev else { throw reject(.sinceMismatch, "since \(push.since ?? "none") but head is \(head.rev)") }
        guard push.prevData == head.data else { throw reject(.prevDataMismatch, "prevData is not the head's data \(head.data)") }
        let blocks: [CID: [UInt8]]
        do { blocks = try CARReader.load(push.blocks).blocks } catch { throw reject(.invalidCommit, "blocks are not a CAR: \(error)") }
        var ops: [RecordOp] = []
        var records: [Block] = []
        do {
            for op in push.ops {
                guard op.path.split(separator: "/", maxSplits: 1).count == 2 else { throw reject(.invalidCommit, "bad op path \(op.path)") }
                switch op.action {
                case .create, .update:
                    guard let cid = op.cid, let bytes = blocks[cid] else { throw reject(.missingBlocks, "record block of \(op.path)") }
                    guard CID(codec: .dagCBOR, digest: Array(SHA256.hash(data: bytes))) == cid else {
                        throw reject(.invalidCommit, "record block of \(op.path) does not hash to its CID")
                    }
                    let prev = try a.tree.put(op.path, cid)
                    if op.action == .create, prev != nil { throw reject(.invalidMST, "create of existing \(op.path)") }
                    if prev != cid {
                        records.append(Block(cid: cid, bytes: bytes))
                        ops.append(RecordOp(action: prev == nil ? .create : .update, key: op.path, prev: prev, cid: cid))
                    }
                case .delete:
                    guard let prev = try a.tree.remove(op.path) else { throw reject(.invalidMST, "delete of missing \(op.path)") }
                    ops.append(RecordOp(action: .delete, key: op.path, prev: prev, cid: nil))
                }
            }
        } catch let failure as IngestFailure {
            try rollback(push.did)
            throw failure
        } catch {
            try rollback(push.did)
            throw reject(.invalidMST, "ops do not apply to the head: \(error)")
        }
        var nodes: [Block] = []
        let root = a.tree.rootCID { nodes.append($0) }
        let dropped = Set(a.tree.takeDropped())
        nodes.removeAll { dropped.contains($0.cid) }
        guard root == data else {
            try rollback(push.did)
            throw reject(.invalidMST, "ops give data \(root), push says \(data)")
        }
        let pushed = push.ops.map { "\($0.action.rawValue) \($0.path) \($0.cid?.description ?? "-") \($0.prev?.description ?? "-")" }
        let replayed = ops.map { "\($0.action.rawValue) \($0.key) \($0.cid?.description ?? "-") \($0.prev?.description ?? "-")" }
        guard pushed == replayed else {
            try rollback(push.did)
            throw reject(.invalidMST, "ops differ from the tree diff")
        }
        return Checked(commit: UnsignedCommit(did: push.did, data: data, rev: push.rev), newBlocks: nodes + records, ops: ops,
                       removedNodes: Array(dropped.subtracting(nodes.map(\.cid))), previous: head)
    }

    /// Adds the relay's signature to a checked commit: it becomes the tip, stored by the next `flush`.
    func seal(_ checked: Checked, sig: [UInt8]) throws -> (block: Block, newBlocks: [Block]) {
        let did = checked.commit.did
        let a = try account(did)
        let block = SignedCommit(unsigned: checked.commit, sig: sig).block
        let changes = checked.ops.map { op in
            let parts = op.key.split(separator: "/", maxSplits: 1)
            return (collection: String(parts[0]), rkey: String(parts[1]), cid: op.cid)
        }
        let head = RepoHead(did: did, commit: block.cid, rev: checked.commit.rev, data: checked.commit.data)
        let write = StorageWrite(head: head, putBlocks: checked.newBlocks + [block],
                                 deleteBlocks: checked.removedNodes + [checked.previous.commit],
                                 releasedRecords: checked.ops.compactMap(\.prev), recordChanges: changes)
        a.unstored.append((write, checked.ops))
        a.tip = head
        return (block, checked.newBlocks)
    }

    /// Stores every sealed commit of `did` in one transaction; on failure none is stored.
    func flush(_ did: String) throws {
        let a = try account(did)
        guard !a.unstored.isEmpty else { return }
        do { try a.storage.apply(batch: a.unstored.map(\.write)) } catch {
            a.unstored = []
            try? reload(did)
            throw error
        }
        a.durable = a.tip
        a.unstored = []
    }

    /// Forgets a checked-but-unsealed commit: the tree is rebuilt as the tip left it.
    func rollback(_ did: String) throws {
        let a = try account(did)
        let keep = a.unstored
        try reload(did)
        guard !keep.isEmpty, let fresh = accounts[did] else { return }
        for entry in keep {
            for op in entry.ops {
                if let cid = op.cid { _ = try fresh.tree.put(op.key, cid) } else { _ = try fresh.tree.remove(op.key) }
            }
            _ = fresh.tree.rootCID { _ in }
            _ = fresh.tree.takeDropped()
            fresh.tip = entry.write.head
        }
        fresh.unstored = keep
    }

    private func reload(_ did: String) throws {
        accounts[did] = nil
        _ = try account(did)
    }

    /// The stored head's signature, when its unsigned bytes are `commit` (recovery of a commit
    /// stored here whose ack was never recorded).
    func storedSignature(_ did: String, rev: String, commit: [UInt8]) throws -> (block: Block, sig: [UInt8])? {
        let a = try account(did)
        guard a.unstored.isEmpty, a.durable.rev == rev, let bytes = try a.storage.block(a.durable.commit),
              case .map(var map) = try DAGCBOR.decode(bytes), case .bytes(let sig)? = map.removeValue(forKey: "sig"),
              DAGCBOR.encode(.map(map)) == commit else { return nil }
        return (Block(cid: a.durable.commit, bytes: bytes), sig)
    }
}
