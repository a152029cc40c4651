import GRDB

/// How every relay store that answers a write opens its SQLite file. GRDB's pool sets
/// synchronous=NORMAL with WAL: a commit is then fsynced only at the next checkpoint, so a power
/// loss could take back an account, a pairing, an ack or a firehose event the relay had already
/// answered for (and hand a seq out twice). FULL fsyncs the WAL on each commit. The setting is per
/// connection, and the pool's one writer connection is kept for the pool's life.
enum DurablePool {
    static func open(_ path: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: path)
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }
}
