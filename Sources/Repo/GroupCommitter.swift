import Foundation
import Protocol

/// Group commit for concurrent writers of one repo: callers `await commit(writes)`; a writer
/// thread takes every request waiting when it is free, turns each into its own signed commit (in
/// arrival order) and makes them all durable in one transaction, one fsync. A caller resumes only
/// after that transaction committed, so every acknowledged commit is durable. While one group is
/// being written the next one gathers, so the fsync cost is shared by as many commits as arrived
/// during it (one commit alone waits for nothing).
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
    private let condition = NSCondition()
    private var queue: [Request] = []
    private var stopped = false
    private var finished = false
    private var groups = 0, commits = 0

    public init(repository: Repository, maxGroup: Int = 512, sign: @escaping Signer) {
        repo = repository
        self.sign = sign
        self.maxGroup = max(1, maxGroup)
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
            condition.signal()
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
        while true {
            condition.lock()
            while queue.isEmpty && !stopped { condition.wait() }
            if queue.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = Array(queue.prefix(maxGroup))
            queue.removeFirst(batch.count)
            condition.unlock()
            let done = write(batch)
            condition.withLock { groups += 1; commits += done }
        }
    }

    /// Commits `batch`; a request whose own writes fail is answered with its error and the
    /// rest retried without it. Returns how many commits became durable.
    private func write(_ batch: [Request]) -> Int {
        var pending = batch
        while !pending.isEmpty {
            var failed: Int?
            do {
                let signed = try repo.commitGroup(pending.map(\.writes), sign: sign, failedGroup: &failed)
                for (request, commit) in zip(pending, signed) { request.done.resume(returning: commit) }
                return signed.count
            } catch {
                guard let i = failed else {
                    for request in pending { request.done.resume(throwing: error) }
                    return 0
                }
                pending.remove(at: i).done.resume(throwing: error)
            }
        }
        return 0
    }
}
