import Foundation
import Protocol
import Repo
import Synchronization

/// Group commit across accounts: one thread stores every account's built commits and makes them
/// durable with a single fsync per round, however many accounts wrote.
///
/// Each round takes every account with commits waiting, sequences their firehose events (in commit
/// order per account) and has the sequencer write them all in one transaction, fsynced. That event
/// log holds every block and op of every commit, so it is the repos' redo log. Only then is each
/// account's group written to its own repo file, in one transaction without an fsync
/// (`SQLiteRepoStorage.Durability.logged`); after a power loss `FirehoseReconciler` replays into a
/// repo the commits its file lost. Then the events go to live subscribers (a subscriber told of a
/// commit finds it in the repo) and the callers are answered: every acknowledged write is durable.
///
/// A commit no event holds (a genesis, or one whose `sequence` emitted none) has its repo fsynced
/// itself. A failed log write stores nothing: the callers get the error.
///
/// Before this, each account had its own flush and sequencer threads and its own fsync: at 16
/// clients on 16 accounts every write paid a transaction, an fsync and four thread hand-offs.
final class RepoCommitWriter: @unchecked Sendable {
    // @unchecked: `ready` and `stopped` are guarded by `condition`.
    typealias AnnounceHead = EngineRepoHost.AnnounceHead
    private let condition = NSCondition()
    private var ready: [AccountRepo] = []
    private var stopped = false
    private let announceHead: AnnounceHead?
    private let checkpointer = RepoCheckpointer()
    /// Commits stored per repo since it was last handed to the checkpointer (the writer's thread only).
    private var uncheckpoint: [ObjectIdentifier: (storage: SQLiteRepoStorage, count: Int)] = [:]

    init(announceHead: AnnounceHead?, checkpointEvery: TimeInterval = RepoCommitWriter.checkpointEvery) {
        self.announceHead = announceHead
        self.checkpointInterval = checkpointEvery
        let thread = Thread { [self] in self.run() }
        thread.name = "dpds-repo-writer"
        thread.start()
    }

    func stop() {
        condition.withLock { stopped = true; condition.signal() }
        checkpointer.stop()
    }

    /// `account` has commits waiting (its queue said it was not scheduled yet).
    func submit(_ account: AccountRepo) {
        condition.withLock {
            ready.append(account)
            if ready.count == 1 { condition.signal() }
        }
    }

    /// No repo keeps commits that only the log holds for longer than about this: the log may be
    /// pruned, and an account that wrote a few commits and went quiet never reaches
    /// `RepoCheckpointer.commitsPerCheckpoint`.
    static let checkpointEvery: TimeInterval = 5
    private let checkpointInterval: TimeInterval
    private var lastCheckpointAll = Date()

    private func run() {
        while true {
            condition.lock()
            while ready.isEmpty && !stopped {
                if !condition.wait(until: lastCheckpointAll.addingTimeInterval(checkpointInterval)) { break }
            }
            if ready.isEmpty && stopped {
                condition.unlock()
                return
            }
            let accounts = ready
            ready = []
            condition.unlock()
            if !accounts.isEmpty { round(accounts) }
            if Date().timeIntervalSince(lastCheckpointAll) >= checkpointInterval { checkpointAll() }
        }
    }

    /// Hands every repo with commits not yet checkpointed to the checkpointer.
    private func checkpointAll() {
        lastCheckpointAll = Date()
        for (_, account) in uncheckpoint where account.count > 0 { checkpointer.submit(account.storage) }
        uncheckpoint.removeAll()
    }

    private struct Group {
        let account: AccountRepo
        var waiters: [AccountCommitQueue.Waiter]
        var results: [Result<RepoCommit, Error>] = []
        let headBefore: (cid: CID, rev: String)?
        /// Which commits queued an event in the log.
        var hasEvent: [Bool] = []
        /// Every commit's event is in the log (once the log write succeeds).
        var logged: Bool { !hasEvent.contains(false) }
        /// Stored in the repo file (and fsynced there when not logged).
        var stored = false

        /// Every caller not already failed gets `error`.
        mutating func fail(with error: Error) {
            results = results.map { $0.flatMap { _ in .failure(error) } }
        }
    }

    private func round(_ accounts: [AccountRepo]) {
        var groups: [Group] = []
        var barriers: [CheckedContinuation<Void, Never>] = []
        for account in accounts {
            let taken = account.queue.take()
            barriers += taken.barriers
            if !taken.waiters.isEmpty {
                groups.append(Group(account: account, waiters: taken.waiters, headBefore: account.queue.durableHead))
            }
        }
        defer { for b in barriers { b.resume() } }
        guard !groups.isEmpty else { return }

        // 1. The log: every commit's event, in commit order per account, durable before any repo
        //    write and unseen by subscribers until the repos hold the commits.
        let deferral = SequencerDeferral(holdsPublication: true)
        Sequencer.$deferral.withValue(deferral) {
            for i in groups.indices {
                let queue = groups[i].account.queue
                if groups[i].waiters.contains(where: { $0.sequence != nil }), queue.headUnannounced.take(),
                   let resync = groups[i].headBefore {
                    announce(queue, resync)
                }
                for w in groups[i].waiters {
                    let before = deferral.count
                    groups[i].results.append(Result { try w.sequence?(w.commit); return w.commit })
                    groups[i].hasEvent.append(deferral.count > before)
                    // An event that should have been there and is not: followers must resync.
                    if deferral.count == before, w.sequence != nil { queue.headUnannounced.set() }
                }
            }
        }
        var logFailure: Error?
        do { try deferral.waitDurable() } catch { logFailure = error }

        // 2. The repos. A group whose log write failed is not stored at all: its callers get the
        //    error and the account's tree starts again from its file.
        var broken: [(account: AccountRepo, error: Error, replayLog: Bool)] = []
        for i in groups.indices {
            let account = groups[i].account
            if let logFailure {
                if groups[i].logged {
                    groups[i].fail(with: logFailure)
                    broken.append((account, logFailure, false))
                    continue
                }
                // Mixed with commits no event holds, which must be stored: all of them are, and
                // fsynced below; those whose events were lost are announced by the next group.
                for j in groups[i].results.indices where groups[i].hasEvent[j] {
                    groups[i].results[j] = .failure(logFailure)
                    account.queue.headUnannounced.set()
                }
            }
            do {
                // Only these commits: the ones queued since have no durable event yet.
                try account.queue.storage.flush(count: groups[i].waiters.count)
                if !groups[i].logged { try account.queue.storage.base.syncToDisk() }
                groups[i].stored = true
                let base = account.queue.storage.base
                let id = ObjectIdentifier(base)
                let count = (uncheckpoint[id]?.count ?? 0) + groups[i].waiters.count
                if count >= RepoCheckpointer.commitsPerCheckpoint {
                    checkpointer.submit(base)
                    uncheckpoint[id] = nil
                } else {
                    uncheckpoint[id] = (base, count)
                }
            } catch {
                // Logged commits are durable all the same: the account replays them from the log.
                if !groups[i].logged { groups[i].fail(with: error) }
                broken.append((account, error, groups[i].logged))
            }
        }
        // Before anyone is answered, so a caller told its commit is durable can read it.
        for b in broken { reset(b.account, b.error, replayLog: b.replayLog) }
        deferral.release()
        for group in groups {
            if group.stored, let last = group.waiters.last?.commit { group.account.queue.setDurableHead((last.cid, last.rev)) }
            for (w, result) in zip(group.waiters, group.results) { w.done.resume(with: result) }
        }
    }

    /// What the account queued since a failed write is built on a tree its file does not hold: the
    /// actor starts again from the file and the log (`AccountRepo.reset`); the writer takes nothing
    /// of it meanwhile. This thread waits for that: the actor never waits for this thread.
    private func reset(_ account: AccountRepo, _ error: Error, replayLog: Bool) {
        account.queue.markBroken()
        let done = DispatchSemaphore(value: 0)
        Task {
            await account.reset(error, replayLog: replayLog)
            done.signal()
        }
        done.wait()
    }

    /// Queues the `#sync` of a head whose commit's event was lost; if it cannot be queued, the next
    /// group tries again.
    private func announce(_ queue: AccountCommitQueue, _ head: (cid: CID, rev: String)) {
        guard let announceHead else { return }
        do {
            if let bytes = try queue.storage.block(head.cid) { try announceHead(queue.did, head.cid, bytes, head.rev) }
            else { queue.headUnannounced.set() }
        } catch { queue.headUnannounced.set() }
    }
}
