import Foundation
import GRDB
import Protocol
import Synchronization

/// sequencer.sqlite, table `repo_seq`: every event the firehose emits, under a seq that strictly
/// increases, has no gaps and is never reused across restarts (AUTOINCREMENT keeps its high-water
/// mark in `sqlite_sequence`; a network relay that saw seq go backwards would drop this host).
public final class Sequencer: Sendable {
    private let db: DatabasePool
    private let hub: FirehoseHub
    /// Held across insert-and-publish so live subscribers see events in seq order.
    private let order = Mutex(())

    public init(path: String, hub: FirehoseHub) throws {
        db = try DatabasePool(path: path)
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
    }

    /// Assigns the next seq, stores the frame durably, then hands it to live subscribers.
    /// `body` gets `seq` and `time` filled in here.
    @discardableResult
    public func sequence(did: String, type: String, body: [String: DataValue]) throws -> SequencedEvent {
        try order.withLock { _ in
            let time = Timestamp.now()
            let event = try db.write { db -> SequencedEvent in
                let last = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'repo_seq'") ?? 0
                let seq = last + 1
                var full = body
                full["seq"] = .integer(seq)
                full["time"] = .string(time)
                let frame = FirehoseFrame.message(type: type, body: .map(full))
                try db.execute(sql: """
                    INSERT INTO repo_seq (seq, did, eventType, event, sequencedAt) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [seq, did, type, Data(frame), time])
                return SequencedEvent(seq: seq, did: did, type: type, frame: frame)
            }
            hub.publish(event)
            return event
        }
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

    public func events(after cursor: Int64, limit: Int) async throws -> [SequencedEvent] {
        try await db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, did, eventType, event FROM repo_seq WHERE seq > ? AND invalidated = 0 ORDER BY seq LIMIT ?
                """, arguments: [cursor, limit]).map {
                SequencedEvent(seq: $0["seq"], did: $0["did"], type: $0["eventType"], frame: Array(($0["event"] as Data)))
            }
        }
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
