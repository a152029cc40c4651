import Foundation
import Protocol
import Synchronization

/// What an account's actor (`AccountRepo`) hands the shared `RepoCommitWriter`: built commits, in
/// commit order, waiting for their group's transaction and firehose events. The actor appends; the
/// writer's thread takes. A Mutex, not actor state, so the writer never hops onto the actor.
final class AccountCommitQueue: Sendable {
    typealias Sequence = @Sendable (RepoCommit) throws -> Void
    struct Waiter: Sendable {
        let commit: RepoCommit
        /// nil: no event announces this commit (a genesis), so its transaction is fsynced itself.
        let sequence: Sequence?
        let done: CheckedContinuation<RepoCommit, Error>
    }
    private struct State {
        var waiting: [Waiter] = []
        /// Reads waiting until every commit queued before them is stored (`AccountRepo.settle`).
        var barriers: [CheckedContinuation<Void, Never>] = []
        /// Handed to the writer and not taken yet.
        var scheduled = false
        /// A transaction failed: what is queued was built on it, and the actor must start again
        /// from SQLite (`AccountRepo.reset`) before the writer takes anything more.
        var broken = false
        var durableHead: (cid: CID, rev: String)?
    }

    let did: String
    let storage: BufferedRepoStorage
    private let state: Mutex<State>
    /// Set when a group's events were lost after its commits were stored: the next group first
    /// announces the head it builds on, so followers resync instead of meeting a `since` they never saw.
    let headUnannounced = Flag()

    init(did: String, storage: BufferedRepoStorage, durableHead: (cid: CID, rev: String)?) {
        self.did = did
        self.storage = storage
        state = Mutex(State(durableHead: durableHead))
    }

    /// The head of the last stored commit: what reads show (a built commit is not there until stored).
    var durableHead: (cid: CID, rev: String)? { state.withLock { $0.durableHead } }

    func setDurableHead(_ head: (cid: CID, rev: String)) { state.withLock { $0.durableHead = head } }

    /// Appends a built commit; true when the writer must be told (it was not already told).
    func append(_ waiter: Waiter) -> Bool {
        state.withLock { s in
            s.waiting.append(waiter)
            if s.scheduled || s.broken { return false }
            s.scheduled = true
            return true
        }
    }

    /// Resumes `barrier` once the writer's next round for this account is done.
    func appendBarrier(_ barrier: CheckedContinuation<Void, Never>) -> Bool {
        state.withLock { s in
            s.barriers.append(barrier)
            if s.scheduled { return false }
            s.scheduled = true
            return true
        }
    }

    /// The writer's turn: everything waiting (nothing while the queue is broken), and the barriers.
    func take() -> (waiters: [Waiter], barriers: [CheckedContinuation<Void, Never>]) {
        state.withLock { s in
            s.scheduled = false
            defer { s.barriers = [] }
            if s.broken { return ([], s.barriers) }
            defer { s.waiting = [] }
            return (s.waiting, s.barriers)
        }
    }

    func markBroken() { state.withLock { $0.broken = true } }

    /// After a failed transaction, on the actor: hands back everything waiting (to be failed) and
    /// runs `restart` (drop what is queued, reload the tree) before the writer may take again.
    func reset(_ restart: () -> Void) -> [Waiter] {
        let waiting = state.withLock { s -> [Waiter] in
            defer { s.waiting = [] }
            return s.waiting
        }
        restart()
        state.withLock { s in
            s.broken = false
            s.scheduled = false
        }
        return waiting
    }

    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        /// Its value, cleared.
        func take() -> Bool { value.withLock { flag in defer { flag = false }; return flag } }
    }
}
