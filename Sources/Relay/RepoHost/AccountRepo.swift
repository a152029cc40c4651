import Foundation
import Protocol
import Repo

/// One account's repo: the engine's single writer for it. An actor per account, so one account's
/// commits are serialised while different accounts commit in parallel.
actor AccountRepo {
    let did: String
    let repo: Repository
    let storage: SQLiteRepoStorage
    private let lookupKey: EngineRepoHost.KeyLookup
    /// Fetched (and unsealed) once: every commit needs it.
    private var cachedKey: (any SigningKey)?

    init(did: String, repo: Repository, storage: SQLiteRepoStorage, lookupKey: @escaping EngineRepoHost.KeyLookup) {
        self.did = did
        self.repo = repo
        self.storage = storage
        self.lookupKey = lookupKey
    }

    func apply(_ writes: [RepoWrite], swapCommit: CID?, sequence: @Sendable (RepoCommit) throws -> Void) async throws -> RepoCommit {
        // The only suspension point comes first: the actor may interleave calls across an await, and
        // the swap checks below must see the same head the commit is built on.
        let key = try await signingKey()
        if let swapCommit, repo.head?.commit != swapCommit {
            throw RepoHostError.invalidSwap("Commit was at \(repo.head?.commit.description ?? "none")")
        }
        var engineWrites: [RecordWrite] = []
        var blobs: [CID] = []
        for w in writes {
            switch w {
            case .create(let c, let r, let value):
                if try repo.record(collection: c, rkey: r) != nil {
                    throw RepoHostError.invalidSwap("Record already exists: at://\(did)/\(c)/\(r)")
                }
                engineWrites.append(.create(collection: c, rkey: r, record: DAGCBOR.encode(value)))
                blobs += BlobRefs.find(in: value)
            case .update(let c, let r, let value, let swap):
                try checkSwap(c, r, swap)
                engineWrites.append(.update(collection: c, rkey: r, record: DAGCBOR.encode(value)))
                blobs += BlobRefs.find(in: value)
            case .delete(let c, let r, let swap):
                try checkSwap(c, r, swap)
                guard try repo.record(collection: c, rkey: r) != nil else { throw RepoHostError.recordNotFound }
                engineWrites.append(.delete(collection: c, rkey: r))
            }
        }
        let result = try commit(engineWrites, key: key, blobs: blobs)
        try sequence(result)
        return result
    }

    func createGenesis() async throws -> RepoCommit {
        try commit([], key: try await signingKey(), blobs: [])
    }

    private func checkSwap(_ collection: String, _ rkey: String, _ swap: CID?) throws {
        guard let swap else { return }
        let current = try repo.record(collection: collection, rkey: rkey)
        if current != swap {
            throw RepoHostError.invalidSwap("Record was at \(current?.description ?? "null")")
        }
    }

    private func signingKey() async throws -> any SigningKey {
        if let cachedKey { return cachedKey }
        guard let key = try await lookupKey(did) else { throw RepoHostError.repoNotFound }
        cachedKey = key
        return key
    }

    private func commit(_ writes: [RecordWrite], key: any SigningKey, blobs: [CID]) throws -> RepoCommit {
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
        var unique: [CID] = []
        for cid in blobs where !unique.contains(cid) { unique.append(cid) }
        return RepoCommit(did: did, cid: block.cid, rev: signed.rev, since: before?.rev,
                          prevData: before?.data, blocks: car, ops: ops, blobs: unique)
    }

    // MARK: reads

    func getRecord(collection: String, rkey: String) throws -> (cid: CID, value: DataValue)? {
        guard let cid = try repo.record(collection: collection, rkey: rkey),
              let bytes = try storage.block(cid) else { return nil }
        return (cid, try DAGCBOR.decode(bytes))
    }

    func listRecords(collection: String, limit: Int, cursor: String?, reverse: Bool) throws
        -> [(rkey: String, cid: CID, value: DataValue)] {
        try storage.listRecords(collection: collection, cursor: cursor, limit: limit, reverse: reverse).compactMap { e in
            guard let bytes = try storage.block(e.cid) else { return nil }
            return (e.rkey, e.cid, try DAGCBOR.decode(bytes))
        }
    }

    func collections() throws -> [String] { try storage.collections() }

    func head() -> RepoHead? { repo.head }

    func blocks(_ cids: [CID]) throws -> (found: [(cid: CID, bytes: [UInt8])], missing: [CID]) {
        try RepoReads.blocks(cids, in: storage)
    }

    func recordProof(collection: String, rkey: String) throws -> [UInt8] {
        try RepoReads.recordProof(repo, storage, collection: collection, rkey: rkey)
    }

    func exportCAR(since: String?) throws -> [UInt8] {
        var out: [UInt8] = []
        try repo.exportCAR(since: since) { out.append(contentsOf: $0) }
        return out
    }
}
