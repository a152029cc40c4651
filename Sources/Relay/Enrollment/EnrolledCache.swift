import Crypto
import Foundation
import Protocol
import Repo

/// The relay's read cache of enrolled accounts' repos (the desktop is authoritative): one SQLite
/// store per account under `enrolled/`, filled from the repo at promotion and then only by commits
/// the desktop pushed and the relay signed. Not thread-safe: `Enrollment` (an actor) owns it.
final class EnrolledCache: @unchecked Sendable {
    private let directory: URL
    private var open: [String: (repo: Repository, storage: SQLiteRepoStorage)] = [:]

    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
    }

    private func path(_ did: String) -> String {
        let safe = did.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return directory.appendingPathComponent(String(safe) + ".sqlite").path
    }

    func has(_ did: String) -> Bool { open[did] != nil || FileManager.default.fileExists(atPath: path(did)) }

    func repository(_ did: String) throws -> (repo: Repository, storage: SQLiteRepoStorage) {
        if let r = open[did] { return r }
        guard has(did) else { throw RepoHostError.repoNotFound }
        let storage = try SQLiteRepoStorage(path: path(did))
        let repo = try Repository(storage: storage, did: did)
        guard repo.head != nil else { throw RepoHostError.repoNotFound }
        open[did] = (repo, storage)
        return (repo, storage)
    }

    /// Replaces the cache with a verified full-repo CAR (promotion).
    func load(did: String, car: [UInt8]) throws {
        drop(did)
        let storage = try SQLiteRepoStorage(path: path(did))
        try Repository.importCAR(car, into: storage, signature: nil)
    }

    func drop(_ did: String) {
        open[did] = nil
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path(did) + suffix) }
    }

    func head(_ did: String) throws -> RepoHead? { try repository(did).repo.head }

    enum IngestFailure: Error, Equatable {
        case reject(CommitReject.Code, String)
    }

    /// Checks a pushed commit against the cached head (spec 6.2) by replaying its ops on our own copy
    /// of the tree: the same ops on the same tree must give the pushed `data` root, which proves the
    /// pushed MST and ops consistent. Returns what to store once signed; the cache is unchanged.
    func check(_ push: CommitPush) throws -> (commit: UnsignedCommit, prepared: PreparedCommit, previous: RepoHead) {
        func reject(_ code: CommitReject.Code, _ message: String) -> IngestFailure { .reject(code, message) }
        guard case .map(let map)? = try? DAGCBOR.decode(push.commit), map["sig"] == nil,
              map["version"] == .integer(3), map["did"]?.stringValue == push.did, map["rev"]?.stringValue == push.rev,
              case .link(let data)? = map["data"]
        else { throw reject(.invalidCommit, "commit is not an unsigned v3 commit matching the push") }
        let (repo, _) = try repository(push.did)
        guard let head = repo.head else { throw reject(.internal, "no cached repo") }
        guard push.rev > head.rev else { throw reject(.staleRev, "rev \(push.rev) is not after \(head.rev)") }
        guard push.since == head.rev else { throw reject(.sinceMismatch, "since \(push.since ?? "none") but head is \(head.rev)") }
        guard push.prevData == head.data else { throw reject(.prevDataMismatch, "prevData is not the head's data \(head.data)") }
        let blocks: [CID: [UInt8]]
        do { blocks = try CARReader.load(push.blocks).blocks } catch { throw reject(.invalidCommit, "blocks are not a CAR: \(error)") }
        var writes: [RecordWrite] = []
        for op in push.ops {
            let parts = op.path.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw reject(.invalidCommit, "bad op path \(op.path)") }
            switch op.action {
            case .create, .update:
                guard let cid = op.cid, let bytes = blocks[cid] else { throw reject(.missingBlocks, "record block of \(op.path)") }
                guard CID(codec: .dagCBOR, digest: Array(SHA256.hash(data: bytes))) == cid else {
                    throw reject(.invalidCommit, "record block of \(op.path) does not hash to its CID")
                }
                writes.append(op.action == .create ? .create(collection: parts[0], rkey: parts[1], record: bytes)
                                                   : .update(collection: parts[0], rkey: parts[1], record: bytes))
            case .delete:
                writes.append(.delete(collection: parts[0], rkey: parts[1]))
            }
        }
        let prepared: PreparedCommit
        do { prepared = try repo.prepare(writes) } catch { throw reject(.invalidMST, "ops do not apply to the head: \(error)") }
        try repo.abandon()
        guard prepared.commit.data == data else { throw reject(.invalidMST, "ops give data \(prepared.commit.data), push says \(data)") }
        let pushed = push.ops.map { "\($0.action.rawValue) \($0.path) \($0.cid?.description ?? "-") \($0.prev?.description ?? "-")" }
        let replayed = prepared.ops.map { "\($0.action.rawValue) \($0.key) \($0.cid?.description ?? "-") \($0.prev?.description ?? "-")" }
        guard pushed == replayed else { throw reject(.invalidMST, "ops differ from the tree diff") }
        return (UnsignedCommit(did: push.did, data: data, rev: push.rev), prepared, head)
    }

    /// Stores a checked commit with the relay's signature as the new head.
    func store(_ checked: (commit: UnsignedCommit, prepared: PreparedCommit, previous: RepoHead), sig: [UInt8]) throws -> (block: Block, newBlocks: [Block]) {
        let did = checked.commit.did
        let (_, storage) = try repository(did)
        let signed = SignedCommit(unsigned: checked.commit, sig: sig)
        let block = signed.block
        let p = checked.prepared
        var changes: [(collection: String, rkey: String, cid: CID?)] = []
        for op in p.ops {
            let parts = op.key.split(separator: "/", maxSplits: 1)
            changes.append((String(parts[0]), String(parts[1]), op.cid))
        }
        let head = RepoHead(did: did, commit: block.cid, rev: checked.commit.rev, data: checked.commit.data)
        try storage.apply(StorageWrite(head: head, putBlocks: p.newBlocks + [block],
                                       deleteBlocks: p.removedNodes + [checked.previous.commit],
                                       releasedRecords: p.releasedRecords, recordChanges: changes))
        // The engine keeps its head and tree in memory: reopen it on the new head.
        open[did] = (try Repository(storage: storage, did: did), storage)
        return (block, p.newBlocks)
    }
}
