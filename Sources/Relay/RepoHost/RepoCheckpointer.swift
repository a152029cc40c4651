import Foundation
import Repo

/// Checkpoints repo files on a thread of its own (`SQLiteRepoStorage.checkpointAside`), so the
/// commit writer, which serves every account, never waits for one account's WAL to reach the disk.
/// The writer hands over a repo every `commitsPerCheckpoint` commits stored in it.
final class RepoCheckpointer: @unchecked Sendable {
    // @unchecked: `pending`, `queued` and `stopped` are guarded by `condition`.
    /// About 256 WAL frames (1 MB) at the pages a commit dirties: what the commit writer's own
    /// autocheckpoint finds left to copy stays small.
    static let commitsPerCheckpoint = 32
    private let condition = NSCondition()
    private var pending: [SQLiteRepoStorage] = []
    private var queued: Set<ObjectIdentifier> = []
    private var stopped = false
    private let onError: @Sendable (String, Error) -> Void

    init(onError: @escaping @Sendable (_ path: String, _ error: Error) -> Void = { _, _ in }) {
        self.onError = onError
        let thread = Thread { [self] in self.run() }
        thread.name = "dpds-repo-checkpoint"
        thread.start()
    }

    func stop() { condition.withLock { stopped = true; condition.signal() } }

    func submit(_ storage: SQLiteRepoStorage) {
        condition.withLock {
            guard queued.insert(ObjectIdentifier(storage)).inserted else { return }
            pending.append(storage)
            condition.signal()
        }
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            let storage = pending.removeFirst()
            queued.remove(ObjectIdentifier(storage))
            condition.unlock()
            do { try storage.checkpointAside() } catch { onError(storage.path, error) }
        }
    }
}
