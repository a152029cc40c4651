import Foundation
import Protocol
import Repo
import Synchronization

/// One account's repo: the engine's single writer for it. An actor per account, so one account's
/// commits are built one at a time (each on the previous one's head, swap checks included) while
/// different accounts build in parallel. A built commit is queued in `BufferedRepoStorage` and its
/// caller waits in `queue` until the relay's one `RepoCommitWriter` has stored it and made its
/// firehose event durable (group commit across accounts); meanwhile the next commits are built.
actor AccountRepo {
    typealias Sequence = AccountCommitQueue.Sequence
    let did: String
    private(set) var repo: Repository
    nonisolated let storage: BufferedRepoStorage
    nonisolated let queue: AccountCommitQueue
    private let writer: RepoCommitWriter
    private let redoLog: EngineRepoHost.RedoLog?
    /// Why the account cannot be written: a failed repo write it could not recover from yet (the
    /// log still holds every acknowledged commit).
    private var failure: Error?
    private let lookupKey: EngineRepoHost.KeyLookup
    /// Fetched (and unsealed) once: every commit needs it.
    private var cachedKey: (any SigningKey)?

    init(did: String, storage: SQLiteRepoStorage, lookupKey: @escaping EngineRepoHost.KeyLookup,
         writer: RepoCommitWriter, redoLog: EngineRepoHost.RedoLog?) throws {
        self.redoLog = redoLog
        self.did = did
        self.storage = BufferedRepoStorage(base: storage)
        repo = try Repository(storage: self.storage, did: did)
        queue = AccountCommitQueue(did: did, storage: self.storage, durableHead: repo.head.map { ($0.commit, $0.rev) })
        self.lookupKey = lookupKey
        self.writer = writer
    }

    func apply(_ writes: [RepoWrite], swapCommit: CID?, sequence: @escaping Sequence) async throws -> RepoCommit {
        if failure != nil { recover(replayLog: true) }
        if let failure { throw failure }
        // The only suspension point before the commit is built comes first: the actor may interleave
        // calls across an await, and the swap checks below must see the same head the commit is built on.
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
                blobs += value.blobReferences
            case .update(let c, let r, let value, let swap):
                try checkSwap(c, r, swap)
                engineWrites.append(.update(collection: c, rkey: r, record: DAGCBOR.encode(value)))
                blobs += value.blobReferences
            case .delete(let c, let r, let swap):
                try checkSwap(c, r, swap)
                guard try repo.record(collection: c, rkey: r) != nil else { throw RepoHostError.recordNotFound }
                engineWrites.append(.delete(collection: c, rkey: r))
            }
        }
        let result = try commit(engineWrites, key: key, blobs: blobs)
        return try await durable(result, sequence: sequence)
    }

    func createGenesis() async throws -> RepoCommit {
        let result = try commit([], key: try await signingKey(), blobs: [])
        return try await durable(result, sequence: nil)
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

    /// Builds and signs the commit and queues its storage write (not yet durable).
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

    // MARK: group commit

    private func durable(_ commit: RepoCommit, sequence: Sequence?) async throws -> RepoCommit {
        try await withCheckedThrowingContinuation { done in
            if queue.append(.init(commit: commit, sequence: sequence, done: done)) { writer.submit(self) }
        }
    }

    /// A write of this account failed (the writer marked the queue broken). What was queued after it
    /// was built on it, so it all fails, and the tree starts again from SQLite; with `replayLog`,
    /// after storing the acknowledged commits the log holds beyond the file's head.
    func reset(_ error: Error, replayLog: Bool) {
        let failed = queue.reset {
            storage.discard()
            recover(replayLog: replayLog)
        }
        for w in failed { w.done.resume(throwing: error) }
    }

    /// Reloads the tree from SQLite, first replaying into it what the log holds beyond its head.
    /// On failure the account refuses writes (`failure`) and tries again at the next one.
    private func recover(replayLog: Bool) {
        do {
            var logged: [LoggedCommit] = []
            if replayLog, let redoLog, let head = try storage.base.head() { logged = try redoLog(did, head.rev) }
            try store(logged)
            failure = nil
        } catch {
            failure = error
        }
    }

    /// Stores commits the file lacks from the log, fsyncs them, and starts the tree again from SQLite.
    private func store(_ logged: [LoggedCommit]) throws {
        for c in logged { try Repository.replay(c, into: storage.base) }
        if !logged.isEmpty { try storage.base.syncToDisk() }
        repo = try Repository(storage: storage, did: did)
        if let head = repo.head { queue.setDurableHead((head.commit, head.rev)) }
    }

    /// Waits until the writer has stored every commit queued so far, so SQLite holds everything the
    /// in-memory head refers to; the caller reads with no suspension in between. (Commits built
    /// while it waited are waited for too.)
    private func settle() async throws {
        while storage.unsettledCount > 0 {
            if let failure { throw failure }
            await withCheckedContinuation { barrier in
                if queue.appendBarrier(barrier) { writer.submit(self) }
            }
        }
    }

    /// Redo after a power loss (see `RepoCommitWriter`): stores the logged commits the file lost,
    /// fsyncs them, and starts the tree again from SQLite. Runs before the relay takes requests.
    func replay(_ commits: [LoggedCommit]) async throws -> (cid: CID, rev: String)? {
        try await settle()
        try store(commits)
        return queue.durableHead
    }

    // MARK: reads

    func getRecord(collection: String, rkey: String) throws -> (cid: CID, value: DataValue)? {
        guard let cid = try storage.base.record(collection: collection, rkey: rkey),
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

    func head() -> (cid: CID, rev: String)? { queue.durableHead }

    func blocks(_ cids: [CID]) async throws -> (found: [(cid: CID, bytes: [UInt8])], missing: [CID]) {
        try await settle()
        return try RepoReads.blocks(cids, in: storage.base)
    }

    func recordProof(collection: String, rkey: String) async throws -> [UInt8] {
        try await settle()
        return try RepoReads.recordProof(repo, storage.base, collection: collection, rkey: rkey)
    }

    func exportCAR(since: String?) async throws -> [UInt8] {
        try await settle()
        var out: [UInt8] = []
        try repo.exportCAR(since: since) { out.append(contentsOf: $0) }
        return out
    }
}
