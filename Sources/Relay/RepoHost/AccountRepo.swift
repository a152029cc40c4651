import Foundation
import Protocol
import Repo
import Synchronization

/// One account's repo: the engine's single writer for it, with group commit. An actor per account,
/// so one account's commits are built one at a time (each on the previous one's head, swap checks
/// included) while different accounts commit in parallel. A built commit is queued in
/// `BufferedRepoStorage`; one flush, off the actor on the account's own thread, makes every commit
/// queued by then durable in one transaction (one fsync), while the next commits are being built.
/// Then the group's firehose events are sequenced in commit order (and made durable together, see
/// `SequencerDeferral`, on a second thread while the next group flushes), and only then are the
/// callers answered: every acknowledged write is durable.
actor AccountRepo {
    typealias Sequence = @Sendable (RepoCommit) throws -> Void
    let did: String
    private(set) var repo: Repository
    nonisolated let storage: BufferedRepoStorage
    private let lookupKey: EngineRepoHost.KeyLookup
    /// Fetched (and unsealed) once: every commit needs it.
    private var cachedKey: (any SigningKey)?
    /// Serial, so flushes run one at a time and in order; its own thread, so an fsync never blocks
    /// the cooperative pool.
    private let flushQueue: DispatchQueue
    /// Where a group waits for its firehose events to be durable (serial: groups finish in order).
    private let sequencerQueue: DispatchQueue

    private struct Waiter {
        let commit: RepoCommit
        let sequence: Sequence?
        let done: CheckedContinuation<RepoCommit, Error>
    }
    /// Built commits waiting for the next flush, in commit order.
    private var waiting: [Waiter] = []
    private var flushing = false
    /// The head of the last durable commit: what reads show (a built commit is not there until its fsync).
    private var durableHead: (cid: CID, rev: String)?
    /// Emits a `#sync` of a head (`Sequencer.syncEvent`), for commits the firehose lost.
    private let announceHead: EngineRepoHost.AnnounceHead?
    /// Set when a group's events were lost after its commits were durable: the next group first
    /// announces the head it builds on, so followers resync instead of meeting a `since` they never saw.
    /// A Mutex, not actor state: set on the sequencer's thread before the group's callers are answered.
    private let headUnannounced = Flag()
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        /// Its value, cleared.
        func take() -> Bool { value.withLock { flag in defer { flag = false }; return flag } }
    }

    init(did: String, storage: SQLiteRepoStorage, lookupKey: @escaping EngineRepoHost.KeyLookup,
         announceHead: EngineRepoHost.AnnounceHead? = nil) throws {
        self.announceHead = announceHead
        self.did = did
        self.storage = BufferedRepoStorage(base: storage)
        repo = try Repository(storage: self.storage, did: did)
        durableHead = repo.head.map { ($0.commit, $0.rev) }
        self.lookupKey = lookupKey
        flushQueue = DispatchQueue(label: "dpds.repo.flush")
        sequencerQueue = DispatchQueue(label: "dpds.repo.sequence")
    }

    func apply(_ writes: [RepoWrite], swapCommit: CID?, sequence: Sequence) async throws -> RepoCommit {
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
        // `sequence` is only held while this call is suspended below (the flush loop drops it before
        // answering), so it need not escape.
        return try await withoutActuallyEscaping(sequence) { sequence in
            try await durable(result, sequence: sequence)
        }
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
            waiting.append(Waiter(commit: commit, sequence: sequence, done: done))
            if !flushing {
                flushing = true
                Task { await self.flushLoop() }
            }
        }
    }

    private func io<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { done in
            flushQueue.async { done.resume(with: Result { try work() }) }
        }
    }

    /// One group per turn: everything built since the last flush.
    private func flushLoop() async {
        while !waiting.isEmpty {
            var group = waiting
            waiting = []
            var results: [Result<RepoCommit, Error>]
            let storage = self.storage
            let headBefore = durableHead
            do {
                try await io { try storage.flush() }
                if let last = group.last?.commit { durableHead = (last.cid, last.rev) }
            } catch {
                // This group's commits, and any built on them since, are lost: start again from SQLite.
                group += waiting
                waiting = []
                storage.discard()
                do { repo = try Repository(storage: storage, did: did) } catch {}
                answer(&group, group.map { _ in .failure(error) })
                continue
            }
            // Seqs are assigned here, in commit order; the sequencer's fsync for this group then runs
            // on another thread while the next group's repo flush goes ahead (pipelined).
            let deferral = SequencerDeferral()
            let resync = group.contains { $0.sequence != nil } && headUnannounced.take() ? headBefore : nil
            results = Sequencer.$deferral.withValue(deferral) {
                if let resync, let announceHead {
                    // Not queued: the next group tries again.
                    do {
                        if let bytes = try storage.block(resync.cid) { try announceHead(did, resync.cid, bytes, resync.rev) }
                        else { headUnannounced.set() }
                    } catch { headUnannounced.set() }
                }
                return group.map { w in Result { try w.sequence?(w.commit); return w.commit } }
            }
            let continuations = group.map(\.done)
            group = []
            if deferral.isEmpty {
                for (done, result) in zip(continuations, results) { done.resume(with: result) }
                continue
            }
            let answered = results
            let unannounced = headUnannounced
            sequencerQueue.async {
                var final = answered
                do {
                    try deferral.waitDurable()
                } catch {
                    final = final.map { $0.flatMap { _ in .failure(error) } }
                    // The commits are durable; their events are not.
                    unannounced.set()
                }
                for (done, result) in zip(continuations, final) { done.resume(with: result) }
            }
        }
        flushing = false
    }

    /// Drops the waiters (and the `sequence` closures they hold) before resuming them.
    private func answer(_ group: inout [Waiter], _ results: [Result<RepoCommit, Error>]) {
        let continuations = group.map(\.done)
        group = []
        for (done, result) in zip(continuations, results) { done.resume(with: result) }
    }

    /// Writes every queued commit, so SQLite holds everything the in-memory head refers to; the
    /// caller reads with no suspension in between. A transaction the flush loop has under way counts
    /// too: a hop through the serial flush queue waits it out.
    private func settle() async throws {
        let storage = self.storage
        while storage.unsettledCount > 0 { try await io { try storage.flush() } }
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

    func head() -> (cid: CID, rev: String)? { durableHead }

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
