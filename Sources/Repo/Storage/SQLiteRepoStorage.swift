import Foundation
import GRDB
import Protocol

/// The SQLite block store (through GRDB): one file per repo.
///
/// Durability: WAL journal with `synchronous=FULL` by default. Each commit is one transaction, and
/// with FULL SQLite fsyncs the WAL before the commit call returns, so an acknowledged commit
/// survives a SIGKILL and a power loss. `.logged` (NORMAL) is for a caller that keeps every commit in
/// a durable log of its own and replays it after a power loss (the relay's sequencer): the last
/// transactions can then roll back, but never partly, and never out of order.
public final class SQLiteRepoStorage: RepoStorage, @unchecked Sendable {
    // @unchecked: GRDB's DatabaseQueue serialises every access itself.
    let db: DatabaseQueue
    public let path: String

    public enum Durability: Sendable {
        /// synchronous=FULL: each transaction is fsynced before it returns.
        case full
        /// synchronous=NORMAL: fsynced at checkpoints and by `syncToDisk()`; the caller's own log
        /// must hold every commit until then.
        case logged
        /// synchronous=OFF: only to measure what the fsync costs; never ship it.
        case none
    }
    public let durability: Durability

    public convenience init(path: String, durable: Bool) throws {
        try self.init(path: path, durability: durable ? .full : .none)
    }

    public init(path: String, durability: Durability = .full) throws {
        self.durability = durability
        let synchronous = switch durability { case .full: "FULL"; case .logged: "NORMAL"; case .none: "OFF" }
        var config = Configuration()
        // WAL is switched on here rather than with `config.journalMode = .wal`, because GRDB's WAL
        // setup runs after this closure and lowers synchronous to NORMAL.
        config.prepareDatabase { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // The page cache stays at SQLite's default (2 MB): every transaction's end truncates
            // the cache with a scan of its whole hash table, so a big cache costs CPU on every
            // commit (a 64 MB one cost about 150 µs per commit on a 100k-record repo, the largest
            // item in the profile). Reads come from the memory map instead, which costs nothing
            // per commit. A longer WAL lets hot pages be checkpointed once for many commits.
            // Durability is unchanged: every commit is still fsynced in the WAL before it returns.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 32768")
        }
        self.path = path
        db = try DatabaseQueue(path: path, configuration: config)
        try db.write { db in try SQLiteRepoSchema.create(db) }
        try db.write { db in garbageCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM garbage") ?? 0 }
    }

    /// Rows in `garbage`, as of the last committed transaction. `apply` and `sweep` run one at a
    /// time (a repo has a single writer), so they need no lock of their own.
    var garbageCount = 0
    /// Sweeping starts once this much garbage has piled up: a bigger sweep dirties each index page
    /// once for more deletions. On a 100k-record repo a sweep of 8192 rows already dirtied nearly
    /// every page of `blocks` and its CID index (tens of MB through the WAL, every ~1,400 commits);
    /// 32768 pays that four times less often, for at most that many dead blocks kept a while longer.
    public var sweepThreshold = 32768
    /// Once sweeping, each commit transaction also sweeps the oldest garbage rows, twice as many as
    /// it adds (at least `sweepMinimumSlice`), until none is left: the sweep's cost then follows the
    /// transaction's own size, and garbage still shrinks under any load. Sweeping all of it in one
    /// go (about 100 ms on a busy repo) held up the commits queued behind it: the relay's p99
    /// createRecord latency at 16 clients on one account was 50-100 ms, 8-9 ms without sweeping,
    /// 17-23 ms with fixed slices of 1,024 rows and 9-20 ms with these.
    public var sweepMinimumSlice = 64
    /// Between reaching `sweepThreshold` and the last garbage row swept.
    var sweeping = false

    /// The connection's settings, as SQLite reports them (tests assert the durability claim).
    public func pragmas() throws -> (journalMode: String, synchronous: Int) {
        try db.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "", try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
    }

    /// Copies the WAL into the database file from a second connection, so the connection that
    /// commits does not: with `.logged` nothing fsyncs the WAL until a checkpoint, which must then
    /// write out everything committed since the last one (80 ms and more after a few thousand
    /// commits), and an autocheckpoint would do that inside a commit. PASSIVE: commits go on
    /// meanwhile; the autocheckpoint that finally restarts the WAL finds little left to copy.
    /// Returns the WAL's frames and how many of them are now in the database file.
    /// The connection is opened for the checkpoint and closed after it (not kept: a relay hosting
    /// many accounts would hold twice the descriptors).
    @discardableResult
    public func checkpointAside() throws -> (frames: Int, copied: Int) {
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            return (row?[1] ?? 0, row?[2] ?? 0)
        }
    }

    /// Makes every committed transaction survive a power loss now: one transaction that rewrites the
    /// head, under synchronous=FULL, fsyncs the whole WAL (the earlier frames included).
    public func syncToDisk() throws {
        guard durability == .logged else { return }
        try db.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = NORMAL") }
            try db.inTransaction {
                try db.execute(sql: "UPDATE head SET id = id")
                return .commit
            }
        }
    }

    static func cid(_ data: Data) throws -> CID { try CIDBinary.parse(Array(data)) }

    public func block(_ cid: CID) throws -> [UInt8]? {
        try db.read { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM blocks WHERE cid = ?"), arguments: [Data(cid.bytes)])
        }.map { Array($0) }
    }

    /// The record's CID in the records index: the state of the last durable commit.
    public func record(collection: String, rkey: String) throws -> CID? {
        try db.read { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT cid FROM records WHERE collection = ? AND rkey = ?"),
                              arguments: [collection, rkey])
        }.map { try Self.cid($0) }
    }

    public func head() throws -> RepoHead? {
        try db.read { db -> RepoHead? in
            guard let row = try Row.fetchOne(db, sql: "SELECT did, commit_cid, rev, data_cid FROM head WHERE id = 1") else { return nil }
            return RepoHead(did: row[0], commit: try Self.cid(row[1]), rev: row[2], data: try Self.cid(row[3]))
        }
    }

    public func apply(_ w: StorageWrite) throws { try apply(batch: [w]) }

    /// The batch's net effect in one transaction: a block that one commit of the batch adds and a
    /// later one removes (the root, the commit, the upper nodes on the path) is never written.
    public func apply(batch: [StorageWrite]) throws {
        guard let last = batch.last else { return }
        let net = NetBatch(batch)
        var count = garbageCount, sweepingNow = sweeping
        try db.write { db in
            try MultiRowInsert.blocks.run(db, count: net.puts.count) { i in
                let (b, rev) = net.puts[i]
                return [Data(b.cid.bytes), rev, Data(b.bytes)]
            }
            try MultiRowInsert.garbage.run(db, count: net.garbage.count) { i in
                let g = net.garbage[i]
                return [Data(g.cid.bytes), g.rev, g.record]
            }
            let upsert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO records (collection, rkey, cid) VALUES (?, ?, ?)")
            let remove = try db.cachedStatement(sql: "DELETE FROM records WHERE collection = ? AND rkey = ?")
            for w in batch {
                for c in w.recordChanges {
                    if let cid = c.cid { try upsert.execute(arguments: [c.collection, c.rkey, Data(cid.bytes)]) }
                    else { try remove.execute(arguments: [c.collection, c.rkey]) }
                }
            }
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO head (id, did, commit_cid, rev, data_cid) VALUES (1, ?, ?, ?, ?)")
                .execute(arguments: [last.head.did, Data(last.head.commit.bytes), last.head.rev, Data(last.head.data.bytes)])
            count += net.garbage.count
            if sweepingNow || count >= sweepThreshold {
                count -= try Self.sweepSlice(db, rows: max(sweepMinimumSlice, 2 * net.garbage.count))
                sweepingNow = count > 0
            }
        }
        // Only once committed: a transaction that rolled back left the garbage table as it was.
        garbageCount = count
        sweeping = sweepingNow
    }

    /// Which garbage rows' blocks are dead: unless a later commit put the block back (its rev is
    /// newer than the removal's) or, for a record block, a record still points at it.
    private static let deadCondition = "b.rev <= g.rev AND (g.record = 0 OR g.cid NOT IN (SELECT cid FROM records))"

    /// Sweeps the `rows` oldest garbage rows (-1: all of them) inside the caller's transaction;
    /// returns how many it took.
    static func sweepSlice(_ db: Database, rows: Int) throws -> Int {
        try db.execute(sql: """
            DELETE FROM blocks WHERE id IN (SELECT b.id FROM (SELECT cid, rev, record FROM garbage ORDER BY id LIMIT ?) g
                JOIN blocks b ON b.cid = g.cid WHERE \(deadCondition))
            """, arguments: [rows])
        try db.execute(sql: "DELETE FROM garbage WHERE id IN (SELECT id FROM garbage ORDER BY id LIMIT ?)", arguments: [rows])
        return db.changesCount
    }

    /// Deletes every dead block now (see `deadCondition`), in one transaction.
    public func sweep() throws {
        try db.write { db in _ = try Self.sweepSlice(db, rows: -1) }
        garbageCount = 0
        sweeping = false
    }

    public func listRecords(collection: String, cursor: String?, limit: Int, reverse: Bool) throws -> [RecordEntry] {
        let order = reverse ? "DESC" : "ASC", cmp = reverse ? "<" : ">"
        let sql = "SELECT rkey, cid FROM records WHERE collection = ?" + (cursor == nil ? "" : " AND rkey \(cmp) ?")
            + " ORDER BY rkey \(order) LIMIT ?"
        var args: StatementArguments = [collection]
        if let cursor { _ = args.append(contentsOf: [cursor]) }
        _ = args.append(contentsOf: [limit])
        return try db.read { db in
            try Row.fetchAll(db, sql: sql, arguments: args).map {
                RecordEntry(collection: collection, rkey: $0[0], cid: try Self.cid($0[1]))
            }
        }
    }

    public func collections() throws -> [String] {
        try db.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT collection FROM records ORDER BY collection") }
    }

    public func recordCount() throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM records") ?? 0 }
    }

    public func forEachBlock(since: String?, _ body: (Block) throws -> Void) throws {
        try forEachRawBlock(since: since) { cid, bytes in
            try body(Block(cid: try CIDBinary.parse(Array(cid)), bytes: Array(bytes)))
        }
    }

    /// Export's fast path: the stored bytes without parsing or copying into Swift arrays.
    /// A full export scans the table in storage order. Blocks the next sweep would delete are
    /// skipped rather than swept first, so an export holds only blocks of the current tree and
    /// never waits on thousands of deletes.
    public func forEachRawBlock(since: String?, _ body: (_ cid: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws {
        try db.read { db in
            let dead = try deadBlockIDs(db)
            let statement = since == nil
                ? try db.makeStatement(sql: "SELECT id, cid, bytes FROM blocks")
                : try db.makeStatement(sql: "SELECT id, cid, bytes FROM blocks WHERE rev > ? ORDER BY rev")
            if let since { statement.arguments = [since] }
            try RawBlockCursor(statement).forEach { id, cid, bytes in
                if !dead.isEmpty, dead.contains(id) { return }
                try body(cid, bytes)
            }
        }
    }

    /// The rows `sweep()` would delete now (same condition), read without deleting them.
    private func deadBlockIDs(_ db: Database) throws -> Set<Int64> {
        guard garbageCount > 0 else { return [] }
        return Set(try Int64.fetchAll(db, sql: """
            SELECT b.id FROM garbage g JOIN blocks b ON b.cid = g.cid WHERE \(Self.deadCondition)
            """))
    }
}
