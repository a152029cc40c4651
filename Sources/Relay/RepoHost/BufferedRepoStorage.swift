import Foundation
import Protocol
import Repo
import Synchronization

/// The relay's group commit seam: the account's `Repository` writes into this wrapper, which only
/// queues each commit's `StorageWrite` (and serves its blocks to the tree) until `flush` writes
/// them to SQLite in one transaction. So several commits built one after the other share a
/// transaction, and each still exists (with its own blocks, ops and signature) for the firehose.
/// Reads of records and of the head go to SQLite: they see stored commits only, and the commit
/// writer stores a commit only once its event is durable.
final class BufferedRepoStorage: RepoStorage, @unchecked Sendable {
    // @unchecked: `state` is a Mutex; `base` (GRDB) serialises its own accesses.
    let base: SQLiteRepoStorage
    private struct State {
        var queued: [StorageWrite] = []
        var writing: [StorageWrite] = []
        /// Blocks of `queued` and `writing`, which SQLite does not have yet.
        var overlay: [CID: [UInt8]] = [:]
    }
    private let state = Mutex(State())

    init(base: SQLiteRepoStorage) { self.base = base }

    func block(_ cid: CID) throws -> [UInt8]? {
        if let bytes = state.withLock({ $0.overlay[cid] }) { return bytes }
        return try base.block(cid)
    }

    func head() throws -> RepoHead? { try base.head() }

    func apply(_ write: StorageWrite) throws { try apply(batch: [write]) }

    func apply(batch: [StorageWrite]) throws {
        state.withLock { s in
            for w in batch {
                s.queued.append(w)
                for b in w.putBlocks { s.overlay[b.cid] = b.bytes }
            }
        }
    }

    /// How many commits are not durable yet: queued, or in the transaction being written now.
    var unsettledCount: Int { state.withLock { $0.queued.count + $0.writing.count } }

    /// Tests only: runs on the writer's thread before each transaction, so a test can hold a flush
    /// open, or fail it.
    nonisolated(unsafe) var beforeWrite: (@Sendable () throws -> Void)?

    /// Writes the oldest `count` queued commits in one transaction, fsynced or not as `base` is set
    /// up; the others, and commits queued meanwhile, wait for the next flush. One flush at a time
    /// (only the commit writer's thread calls it).
    func flush(count: Int) throws {
        let batch = state.withLock { s -> [StorageWrite] in
            let n = min(count, s.queued.count)
            s.writing = Array(s.queued.prefix(n))
            s.queued.removeFirst(n)
            return s.writing
        }
        guard !batch.isEmpty else { return }
        try beforeWrite?()
        defer {
            state.withLock { s in
                s.writing = []
                s.overlay = [:]
                for w in s.queued { for b in w.putBlocks { s.overlay[b.cid] = b.bytes } }
            }
        }
        try base.apply(batch: batch)
    }

    /// Forgets every queued commit (after a failed flush, before the tree is reloaded from SQLite).
    func discard() {
        state.withLock { s in s = State() }
    }

    func listRecords(collection: String, cursor: String?, limit: Int, reverse: Bool) throws -> [RecordEntry] {
        try base.listRecords(collection: collection, cursor: cursor, limit: limit, reverse: reverse)
    }

    func collections() throws -> [String] { try base.collections() }

    func forEachBlock(since: String?, _ body: (Block) throws -> Void) throws {
        try base.forEachBlock(since: since, body)
    }

    func forEachRawBlock(since: String?, _ body: (_ cid: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws {
        try base.forEachRawBlock(since: since, body)
    }
}
