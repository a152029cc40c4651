import Foundation
import GRDB
import Protocol
import Synchronization

/// sequencer.sqlite, table `repo_seq`: every event the firehose emits, under a seq that strictly
/// increases, has no gaps and is never reused across restarts (AUTOINCREMENT keeps its high-water
/// mark in `sqlite_sequence`; a network relay that saw seq go backwards would drop this host).
///
/// Group commit: `sequence` assigns the seq and queues the event at once; whoever then waits for
/// durability while no write is under way writes everything queued in one transaction (one fsync)
/// and publishes it, in seq order, to live subscribers; the others wait for that write. Events of
/// concurrent writers (every account's commits in a `RepoCommitWriter` round) so share an fsync. A caller
/// returns only once its event is durable, unless it runs under a `SequencerDeferral`, which then
/// waits for all its events at once.
public final class Sequencer: @unchecked Sendable {
    // @unchecked: every `var` below is guarded by `condition`.
    let db: DatabasePool
    private let hub: FirehoseHub
    /// Set by an `AccountRepo` flush: `sequence` then queues without waiting.
    @TaskLocal static var deferral: SequencerDeferral?

    private struct Pending { var event: SequencedEvent; var time: String }
    private let condition = NSCondition()
    private var nextSeq: Int64
    private var queue: [Pending] = []
    private var durableSeq: Int64
    private var writing = false
    /// Bumped when a write fails: its events, and every one queued after them, are dropped and
    /// their seqs handed out again, so seq stays gap-free. `lostFrom[e]` is the first seq epoch `e` lost.
    private var epoch = 0
    private var lostFrom: [Int: Int64] = [:]
    /// Durable events not yet handed to live subscribers, in seq order: publication stops at the
    /// first one still `held` (a commit whose repo write is not done, see `SequencerDeferral`).
    private var unpublished: [SequencedEvent] = []
    private var held: Set<Int64> = []
    /// The last seq handed to the hub (every durable event found at start counts as handed).
    private var publishedSeq: Int64
    /// Serialises publication, so events reach the hub in seq order whoever publishes them.
    private let publishLock = NSLock()

    public init(path: String, hub: FirehoseHub) throws {
        // Published events must survive power loss, or their seqs would be handed out again.
        db = try DurablePool.open(path)
        self.hub = hub
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE repo_seq (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    did TEXT NOT NULL,
                    eventType TEXT NOT NULL,
                    event BLOB NOT NULL,
                    invalidated INTEGER NOT NULL DEFAULT 0,
                    sequencedAt TEXT NOT NULL
                );
                CREATE INDEX repo_seq_did ON repo_seq(did);
                """)
        }
        try migrator.migrate(db)
        durableSeq = try db.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'repo_seq'") ?? 0
        }
        nextSeq = durableSeq + 1
        publishedSeq = durableSeq
    }

    /// Assigns the next seq and queues the frame; returns once it is durable and handed to live
    /// subscribers (under a `SequencerDeferral`: at once, the deferral waits; one that holds
    /// publication keeps it, and the events after it, from live subscribers until it releases
    /// them). `body` gets `seq` and `time` filled in here.
    @discardableResult
    public func sequence(did: String, type: String, body: [String: DataValue]) throws -> SequencedEvent {
        let time = Timestamp.now()
        var full = body
        full["time"] = .string(time)
        condition.lock()
        let seq = nextSeq
        nextSeq += 1
        full["seq"] = .integer(seq)
        let event = SequencedEvent(seq: seq, did: did, type: type, frame: FirehoseFrame.message(type: type, body: .map(full)))
        queue.append(Pending(event: event, time: time))
        let mine = epoch
        let deferral = Self.deferral
        if deferral?.holdsPublication == true { held.insert(seq) }
        condition.unlock()
        if let deferral {
            deferral.add(self, seq: seq, epoch: mine)
        } else {
            try waitDurable(seq, epoch: mine)
        }
        return event
    }

    /// Returns once `seq` (queued in `epoch`) is durable and published; throws if its write failed.
    func waitDurable(_ seq: Int64, epoch mine: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if mine != epoch {
                if let lost = lostFrom[mine], seq >= lost { throw SequencerError.eventLost }
                return
            }
            if durableSeq >= seq { return }
            if writing { condition.wait(); continue }
            writing = true
            let batch = queue
            queue = []
            condition.unlock()
            var failure: Error?
            do { try write(batch) } catch { failure = error }
            if failure == nil {
                condition.withLock { unpublished += batch.map(\.event) }
                publishReady()
            }
            condition.lock()
            writing = false
            defer { condition.broadcast() }
            if let failure {
                lostFrom[epoch] = batch.first?.event.seq ?? seq
                epoch += 1
                queue = []
                nextSeq = durableSeq + 1
                // The lost seqs are handed out again; a hold on them would stop the new events.
                held = held.filter { $0 <= durableSeq }
                throw failure
            }
            if let last = batch.last { durableSeq = last.event.seq }
        }
    }

    /// Lets held events go to live subscribers (their repo writes are done, or failed for good).
    func release(_ seqs: [Int64]) {
        condition.withLock { for s in seqs { held.remove(s) } }
        publishReady()
    }

    /// Hands live subscribers every durable event up to the first held one, in seq order. Called
    /// outside `condition` (sequence() callers keep queueing meanwhile).
    private func publishReady() {
        publishLock.lock()
        defer { publishLock.unlock() }
        let ready = condition.withLock { () -> [SequencedEvent] in
            let n = unpublished.firstIndex { held.contains($0.seq) } ?? unpublished.count
            defer { unpublished.removeFirst(n) }
            if n > 0 { publishedSeq = unpublished[n - 1].seq }
            return Array(unpublished.prefix(n))
        }
        if !ready.isEmpty { hub.publish(ready) }
    }

    private func write(_ batch: [Pending]) throws {
        guard !batch.isEmpty else { return }
        try db.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO repo_seq (seq, did, eventType, event, sequencedAt) VALUES (?, ?, ?, ?, ?)
                """)
            for p in batch {
                try insert.execute(arguments: [p.event.seq, p.event.did, p.event.type, Data(p.event.frame), p.time])
            }
        }
    }

    /// The writer connection's `synchronous` (2 = FULL); tests hold the durability claim to it.
    func synchronousSetting() throws -> Int {
        try db.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func identityEvent(did: String, handle: String?) throws {
        var body: [String: DataValue] = ["did": .string(did)]
        if let handle { body["handle"] = .string(handle) }
        try sequence(did: did, type: "#identity", body: body)
    }

    public func accountEvent(did: String, active: Bool, status: String?) throws {
        var body: [String: DataValue] = ["did": .string(did), "active": .bool(active)]
        if let status { body["status"] = .string(status) }
        try sequence(did: did, type: "#account", body: body)
    }

    /// Durable events after `cursor`, held ones included (see `publishedEvents` for subscribers).
    public func events(after cursor: Int64, limit: Int) async throws -> [SequencedEvent] {
        try await events(after: cursor, through: Int64.max, limit: limit)
    }

    /// The events live subscribers have been handed, after `cursor`: a replay to a subscriber must
    /// not run ahead of the live stream, whose held events' commits may not be in their repos yet.
    public func publishedEvents(after cursor: Int64, limit: Int) async throws -> [SequencedEvent] {
        try await events(after: cursor, through: condition.withLock { publishedSeq }, limit: limit)
    }

    private func events(after cursor: Int64, through last: Int64, limit: Int) async throws -> [SequencedEvent] {
        try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, did, eventType, event FROM repo_seq WHERE seq > ? AND seq <= ? AND invalidated = 0 ORDER BY seq LIMIT ?
                """, arguments: [cursor, last, limit]).map {
                SequencedEvent(seq: $0["seq"], did: $0["did"], type: $0["eventType"], frame: Array(($0["event"] as Data)))
            }
        }
    }

    /// The rev of the newest retained `#commit` or `#sync` event of `did`: the last repo state the
    /// firehose announced. nil when none is retained.
    public func announcedRev(did: String) async throws -> String? {
        let frame = try await db.read { db in
            try Data.fetchOne(db, sql: """
                SELECT event FROM repo_seq WHERE did = ? AND eventType IN ('#commit', '#sync') AND invalidated = 0
                ORDER BY seq DESC LIMIT 1
                """, arguments: [did])
        }
        guard let frame else { return nil }
        return try FirehoseFrame.body(of: Array(frame))["rev"]?.stringValue
    }

    /// Highest seq ever assigned (0 before the first event), and the oldest still retained.
    public func bounds() async throws -> (latest: Int64, oldest: Int64?) {
        try await db.read { db in
            let latest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'repo_seq'") ?? 0
            let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM repo_seq")
            return (latest, oldest)
        }
    }

    /// Retention: drops events older than `seq`; seq numbering continues where it was.
    public func prune(before seq: Int64) async throws {
        try await db.write { db in
            try db.execute(sql: "DELETE FROM repo_seq WHERE seq < ?", arguments: [seq])
        }
    }
}
