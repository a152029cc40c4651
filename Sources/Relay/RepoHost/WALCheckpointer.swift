import Dispatch
import GRDB
import Synchronization

/// Checkpoints `repos.sqlite`'s WAL on a connection and thread of its own, so the writer never
/// does. With SQLite's automatic checkpoints the committing connection copies the WAL back into
/// the file and fsyncs it right after a commit, and every account's next flush waited: with all
/// accounts in one file, those stalls reached 20-55 ms every second or two under load, the
/// relay's p99 at sixteen clients. A PASSIVE checkpoint takes no lock the writer needs, so commits
/// go on meanwhile; it runs again at once while it leaves frames behind, so that it catches up
/// and the writer's next transaction can start the WAL over from its beginning.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "dpds.repo.checkpoint", qos: .utility)
    private struct State {
        var running = false
        var lastStart: UInt64 = 0
    }
    private let state = Mutex(State())
    /// At most one checkpoint run starts per interval.
    private let intervalNanoseconds: UInt64

    init(path: String, interval: Duration = .milliseconds(250)) throws {
        var config = Configuration()
        // FULL: the checkpoint fsyncs the WAL before copying and the file after.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        connection = try DatabaseQueue(path: path, configuration: config)
        let (seconds, attoseconds) = interval.components
        intervalNanoseconds = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    /// After each committed transaction: starts a checkpoint run in the background if none is
    /// running and the interval has passed.
    func noteCommit() {
        let now = DispatchTime.now().uptimeNanoseconds
        let start = state.withLock { s -> Bool in
            guard !s.running, now - s.lastStart >= intervalNanoseconds else { return false }
            s.running = true
            s.lastStart = now
            return true
        }
        if start { queue.async { self.run() } }
    }

    private func run() {
        defer { state.withLock { $0.running = false } }
        for _ in 0..<8 {
            guard let result = try? connection.writeWithoutTransaction({ db in try db.checkpoint(.passive) }) else { return }
            if result.checkpointedFrameCount >= result.walFrameCount { return }
        }
    }
}
