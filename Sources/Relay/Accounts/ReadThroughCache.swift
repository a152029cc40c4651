import Synchronization

/// A memory copy of rows that only this process writes, in front of a SQLite read: every write
/// asked the account store (and the enrollment store) for the same row, and each such read is a hop
/// to GRDB's reader queue and back. The owning store calls `invalidateAll` after each write to the
/// table, so a reader never keeps a row older than the last write it could have seen.
///
/// A read that races a write cannot store what it read: `generation` is bumped on every
/// invalidation, and a loaded value is only kept if none happened since the load began.
final class ReadThroughCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: Value] = [:]
        var generation = 0
    }
    private let state = Mutex(State())
    private let limit: Int

    init(limit: Int = 16384) { self.limit = limit }

    func value(_ key: Key, load: () async throws -> Value) async rethrows -> Value {
        let (hit, generation) = state.withLock { ($0.entries[key], $0.generation) }
        if let hit { return hit }
        let loaded = try await load()
        state.withLock { s in
            guard s.generation == generation else { return }
            // Bounded; emptied when full (the rows are cheap to read again).
            if s.entries.count >= limit { s.entries.removeAll(keepingCapacity: true) }
            s.entries[key] = loaded
        }
        return loaded
    }

    /// Call after the table changed (after the write committed).
    func invalidateAll() {
        state.withLock { s in
            s.generation &+= 1
            s.entries.removeAll(keepingCapacity: true)
        }
    }
}
