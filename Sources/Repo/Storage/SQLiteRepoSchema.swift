import GRDB

/// The block store's tables, and the move from the first layout.
///
/// Why this layout (measured with a 100,000-record repo, see the commit log): almost all of a
/// commit's SQLite time is pages written to the WAL, one per B-tree page a statement dirties, and
/// blocks keyed by their (random) CID dirty one page per insert, per delete and per index. So:
/// - `blocks` is a rowid table: new rows append to its last pages. Only the small `cid` index
///   takes random inserts.
/// - Blocks leaving the tree are not deleted on the commit path: the commit appends their CIDs to
///   `garbage`, and `SQLiteRepoStorage.sweep()` deletes them many commits at a time.
/// - No index on `blocks.rev` (export since a rev scans, it is rare) and none on `records.cid`
///   (only the sweep asks which records use a CID, once per sweep).
enum SQLiteRepoSchema {
    static let version = 2

    static func create(_ db: Database) throws {
        let current = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if current >= version { return }
        let hasBlocks = try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'blocks'") ?? false
        let hasV1 = current == 0 && hasBlocks
        if hasV1 { try db.execute(sql: "ALTER TABLE blocks RENAME TO blocks_v1; DROP INDEX IF EXISTS blocks_rev; DROP INDEX IF EXISTS records_cid") }
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS blocks (id INTEGER PRIMARY KEY, cid BLOB NOT NULL, rev TEXT NOT NULL, bytes BLOB NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS blocks_cid ON blocks(cid);
            CREATE TABLE IF NOT EXISTS garbage (id INTEGER PRIMARY KEY, cid BLOB NOT NULL, rev TEXT NOT NULL,
                record INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS records (collection TEXT NOT NULL, rkey TEXT NOT NULL, cid BLOB NOT NULL,
                PRIMARY KEY (collection, rkey)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), did TEXT NOT NULL,
                commit_cid BLOB NOT NULL, rev TEXT NOT NULL, data_cid BLOB NOT NULL);
            """)
        if hasV1 {
            try db.execute(sql: "INSERT INTO blocks (cid, rev, bytes) SELECT cid, rev, bytes FROM blocks_v1 ORDER BY rev; DROP TABLE blocks_v1")
        }
        try db.execute(sql: "PRAGMA user_version = \(version)")
    }
}
