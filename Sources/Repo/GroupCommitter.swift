import Foundation
import Protocol

/// Group commit for concurrent writers of one repo: callers `await commit(writes)`; a writer
/// thread takes every request waiting when it is free, turns each into its own signed commit (in
/// arrival order) and makes them all durable in one transaction, one fsync. A caller resumes only
/// after that transaction committed, so every acknowledged commit is durable. While one group is
/// being written the next one gathers, so the fsync cost is shared by as many commits as arrived
/// during it (one commit alone waits for nothing).
///
/// Callers a group acknowledged usually come straight back with their next commit, but they need
/// CPU time to get there, which the writer thread would otherwise take first: it would start a
/// group of the one or two that were quickest and make the rest wait a whole transaction for the
/// next. So before a new group the writer waits, for at most `gatherWindow`, until as many requests
/// are queued as the last group held. A lone sequential writer never waits (its last group was one).
///
/// The committer owns the repository from `init` until `close()` returns: no one else may use it.
public final class GroupCommitter: @unchecked Sendable {
    // @unchecked: `queue`, `stopped` and the counters are guarded by `condition`; `repo` is used
    // only by the writer thread.
    public typealias Signer = @Sendable ([UInt8]) throws -> [UInt8]
    private struct Request { var writes: [RecordWrite]; var done: CheckedContinuation<SignedCommit, Error> }

    private let repo: Repository
    private let sign: Signer
    private let maxGroup: Int
    private let gatherWindow: Double
    private let condition = NSCondition()
    private var queue: [Request] = []
    /// Queue length at which a caller wakes the writer (1 unless it is gathering a group).
    private var wakeAt = 1
    private var stopped = false
    private var finished = false
    private var groups = 0, commits = 0

    /// `gatherWindow` bounds the extra latency a commit can see while the writer gathers a group.
    public init(repository: Repository, maxGroup: Int = 512, gatherWindow: Duration = .milliseconds(1), sign: @escaping Signer) {
        repo = repository
        self.sign = sign
        self.maxGroup = max(1, maxGroup)
        let (s, atto) = gatherWindow.components
        self.gatherWindow = Double(s) + Double(atto) / 1e18
        let thread = Thread { [self] in self.run() }
        thread.name = "dpds-repo-commit"
        thread.start()
    }

    /// One commit of `writes`; returns once it is durable. Throws the repo's error for this
    /// request alone (a record that exists, a missing record) or the storage's for its group.
    public func commit(_ writes: [RecordWrite]) async throws -> SignedCommit {
        try await withCheckedThrowingContinuation { cont in
            condition.lock()
            defer { condition.unlock() }
            if stopped { cont.resume(throwing: RepoError.committerClosed); return }
            queue.append(Request(writes: writes, done: cont))
            // One wake-up per group, not one per request: each costs the writer a context switch.
            if queue.count == wakeAt { condition.signal() }
        }
    }

    /// Transactions written and commits acknowledged so far (their ratio is the mean group size).
    public var counts: (groups: Int, commits: Int) { condition.withLock { (groups, commits) } }

    /// Finishes what is queued, then stops the writer thread.
    public func close() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var lastGroup = 0
        while true {
            condition.lock()
            wakeAt = 1
            while queue.isEmpty && !stopped { condition.wait() }
            let gather = min(lastGroup, maxGroup)
            if !stopped && queue.count < gather {
                wakeAt = gather
                let deadline = Date(timeIntervalSinceNow: gatherWindow)
                while !stopped && queue.count < gather && condition.wait(until: deadline) {}
                wakeAt = 1
            }
            if queue.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = Array(queue.prefix(maxGroup))
            queue.removeFirst(batch.count)
            lastGroup = batch.count
            condition.unlock()
            write(batch)
        }
    }

    /// Commits `batch`; a request whose own writes fail is answered with its error and the
    /// rest retried without it. The counters are updated before any caller resumes, so a caller
    /// that reads `counts` after its commit returned sees its own commit counted.
    private func write(_ batch: [Request]) {
        var pending = batch
        while !pending.isEmpty {
            var failed: Int?
            do {
                let signed = try repo.commitGroup(pending.map(\.writes), sign: sign, failedGroup: &failed)
                condition.withLock { groups += 1; commits += signed.count }
                for (request, commit) in zip(pending, signed) { request.done.resume(returning: commit) }
                return
            } catch {
                guard let i = failed else {
                    condition.withLock { groups += 1 }
                    for request in pending { request.done.resume(throwing: error) }
                    return
                }
                pending.remove(at: i).done.resume(throwing: error)
            }
        }
        condition.withLock { groups += 1 }
    }
}
