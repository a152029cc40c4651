import Foundation
import Protocol
import Repo

/// `RepoHost` over the real repo engine: one SQLite store per account under `directory`, commits
/// signed with the account's key. An actor because `Repository` has one writer by design.
public actor EngineRepoHost: RepoHost {
    public typealias KeyLookup = @Sendable (_ did: String) async throws -> (any SigningKey)?

    private let directory: URL
    private let signingKey: KeyLookup
    private var open: [String: (repo: Repository, storage: SQLiteRepoStorage)] = [:]

    public init(directory: URL, signingKey: @escaping KeyLookup) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.signingKey = signingKey
    }

    private func path(_ did: String) -> String {
        // DIDs hold ':' (and '%' for did:web ports); keep file names portable.
        let safe = did.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return directory.appendingPathComponent(String(safe) + ".sqlite").path
    }

    private func repository(_ did: String, create: Bool = false) throws -> (repo: Repository, storage: SQLiteRepoStorage) {
        if let r = open[did] { return r }
        let file = path(did)
        guard create || FileManager.default.fileExists(atPath: file) else { throw RepoHostError.repoNotFound }
        let storage = try SQLiteRepoStorage(path: file)
        let repo = try Repository(storage: storage, did: did)
        if !create, repo.head == nil { throw RepoHostError.repoNotFound }
        open[did] = (repo, storage)
        return (repo, storage)
    }

    public func createRepo(did: String) async throws -> RepoCommit {
        let key = try await key(did)
        let (repo, _) = try repository(did, create: true)
        return try commit(repo, [], key: key)
    }

    public func apply(did: String, writes: [RepoWrite], swapCommit: CID?,
                      sequence: @Sendable (RepoCommit) throws -> Void = { _ in }) async throws -> RepoCommit {
        // The only suspension point comes first: the actor may interleave calls across an await, and
        // the swap checks below must see the same head the commit is built on.
        let key = try await key(did)
        let (repo, _) = try repository(did)
        if let swapCommit, repo.head?.commit != swapCommit {
            throw RepoHostError.invalidSwap("Commit was at \(repo.head?.commit.description ?? "none")")
        }
        var engineWrites: [RecordWrite] = []
        for w in writes {
            switch w {
            case .create(let c, let r, let value):
                engineWrites.append(.create(collection: c, rkey: r, record: DAGCBOR.encode(value)))
            case .update(let c, let r, let value, let swap):
                try checkSwap(repo, c, r, swap)
                engineWrites.append(.update(collection: c, rkey: r, record: DAGCBOR.encode(value)))
            case .delete(let c, let r, let swap):
                try checkSwap(repo, c, r, swap)
                guard try repo.record(collection: c, rkey: r) != nil else { throw RepoHostError.recordNotFound }
                engineWrites.append(.delete(collection: c, rkey: r))
            }
        }
        let result = try commit(repo, engineWrites, key: key)
        try sequence(result)
        return result
    }

    private func checkSwap(_ repo: Repository, _ collection: String, _ rkey: String, _ swap: CID?) throws {
        guard let swap else { return }
        let current = try repo.record(collection: collection, rkey: rkey)
        if current != swap {
            throw RepoHostError.invalidSwap("Record was at \(current?.description ?? "null")")
        }
    }

    private func key(_ did: String) async throws -> any SigningKey {
        guard let key = try await signingKey(did) else { throw RepoHostError.repoNotFound }
        return key
    }

    private func commit(_ repo: Repository, _ writes: [RecordWrite], key: any SigningKey) throws -> RepoCommit {
        let before = repo.head
        let prepared = try repo.prepare(writes)
        let signed: SignedCommit
        do { signed = try repo.apply(signature: try key.sign(prepared.commit.bytesToSign)) }
        catch { try? repo.abandon(); throw error }
        let block = signed.block
        let car = CARWriter.encode(roots: [block.cid], blocks: [block] + prepared.newBlocks)
        let ops = prepared.ops.map {
            RepoCommit.Op(action: $0.action.rawValue, path: $0.key, cid: $0.cid, prev: $0.prev)
        }
        return RepoCommit(did: repo.did, cid: block.cid, rev: signed.rev, since: before?.rev,
                          prevData: before?.data, blocks: car, ops: ops, blobs: [])
    }

    public func getRecord(did: String, collection: String, rkey: String) async throws -> (cid: CID, value: DataValue)? {
        let (repo, storage) = try repository(did)
        guard let cid = try repo.record(collection: collection, rkey: rkey),
              let bytes = try storage.block(cid) else { return nil }
        return (cid, try DAGCBOR.decode(bytes))
    }

    public func listRecords(did: String, collection: String, limit: Int, cursor: String?, reverse: Bool) async throws
        -> [(rkey: String, cid: CID, value: DataValue)] {
        let (_, storage) = try repository(did)
        return try storage.listRecords(collection: collection, cursor: cursor, limit: limit, reverse: reverse).compactMap { e in
            guard let bytes = try storage.block(e.cid) else { return nil }
            return (e.rkey, e.cid, try DAGCBOR.decode(bytes))
        }
    }

    public func collections(did: String) async throws -> [String] {
        try repository(did).storage.collections()
    }

    public func head(did: String) async throws -> (cid: CID, rev: String)? {
        guard let h = try? repository(did).repo.head else { return nil }
        return (h.commit, h.rev)
    }

    public func recordProof(did: String, collection: String, rkey: String) async throws -> [UInt8] {
        let (repo, storage) = try repository(did)
        guard let head = repo.head, let commit = try storage.block(head.commit) else { throw RepoHostError.repoNotFound }
        let tree = try MST(source: storage, root: head.data)
        _ = tree.rootCID()
        var blocks = [Block(cid: head.commit, bytes: commit)] + (try tree.coveringProof(for: ["\(collection)/\(rkey)"]))
        if let cid = try repo.record(collection: collection, rkey: rkey), let bytes = try storage.block(cid) {
            blocks.append(Block(cid: cid, bytes: bytes))
        }
        return CARWriter.encode(roots: [head.commit], blocks: blocks)
    }

    public func exportCAR(did: String, since: String?) async throws -> [UInt8] {
        let (repo, _) = try repository(did)
        var out: [UInt8] = []
        try repo.exportCAR(since: since) { out.append(contentsOf: $0) }
        return out
    }
}
