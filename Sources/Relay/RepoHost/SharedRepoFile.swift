import Foundation
import GRDB
import Repo

/// `repos.sqlite`: every hosted account's repo, each in its own prefixed tables (`RepoTables`), in
/// one file, so `RepoFlusher` can commit many accounts' writes in one transaction. A pool: reads
/// (records, blocks the tree needs, exports) run beside the writer instead of queueing behind it.
/// Durable like the per-repo files were: WAL with synchronous=FULL on the writer, so every
/// acknowledged commit is in an fsynced WAL.
///
/// Repos of an older relay, a file per account under the same directory, move in on first use:
/// copied in one transaction, then the old file is renamed `<name>.sqlite.moved` (kept, not deleted).
final class SharedRepoFile: Sendable {
    let pool: DatabasePool
    let path: String
    private let directory: URL

    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        path = directory.appendingPathComponent("repos.sqlite").path
        var config = Configuration()
        config.prepareDatabase { db in
            // As `SQLiteRepoStorage(path:)` sets them, for the same reasons (see there).
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 32768")
        }
        pool = try DurablePool.open(path, configuration: config)
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS repo_tables (id INTEGER PRIMARY KEY, did TEXT NOT NULL UNIQUE)")
        }
    }

    /// The account's storage; nil if it has no repo here (and `create` is false).
    func storage(did: String, create: Bool) throws -> SQLiteRepoStorage? {
        if let id = try pool.read({ db in try Int64.fetchOne(db, sql: "SELECT id FROM repo_tables WHERE did = ?", arguments: [did]) }) {
            return try SQLiteRepoStorage(writer: pool, path: path, tables: Self.tables(id))
        }
        let legacy = legacyPath(did)
        if FileManager.default.fileExists(atPath: legacy) { return try moveIn(did: did, from: legacy) }
        guard create else { return nil }
        let id = try pool.write { db -> Int64 in
            try db.execute(sql: "INSERT INTO repo_tables (did) VALUES (?)", arguments: [did])
            return db.lastInsertedRowID
        }
        return try SQLiteRepoStorage(writer: pool, path: path, tables: Self.tables(id))
    }

    private static func tables(_ id: Int64) -> RepoTables { RepoTables(prefix: "r\(id)_") }

    /// Where an older relay kept this account's repo.
    private func legacyPath(_ did: String) -> String {
        // DIDs hold ':' (and '%' for did:web ports); that layout kept file names portable so.
        let safe = did.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return directory.appendingPathComponent(String(safe) + ".sqlite").path
    }

    private func moveIn(did: String, from legacy: String) throws -> SQLiteRepoStorage {
        // Opening it brings it to the current layout; closing it folds its WAL into the file.
        do { _ = try SQLiteRepoStorage(path: legacy) }
        let id = try pool.writeWithoutTransaction { db -> Int64 in
            try db.execute(sql: "ATTACH DATABASE ? AS legacy", arguments: [legacy])
            defer { try? db.execute(sql: "DETACH DATABASE legacy") }
            var id: Int64 = 0
            try db.inTransaction {
                try db.execute(sql: "INSERT INTO repo_tables (did) VALUES (?)", arguments: [did])
                id = db.lastInsertedRowID
                let t = Self.tables(id)
                try SQLiteRepoStorage.createTables(db, t)
                try db.execute(sql: """
                    INSERT INTO \(t.blocks) (id, cid, rev, bytes) SELECT id, cid, rev, bytes FROM legacy.blocks;
                    INSERT INTO \(t.garbage) (id, cid, rev, record) SELECT id, cid, rev, record FROM legacy.garbage;
                    INSERT INTO \(t.records) (collection, rkey, cid) SELECT collection, rkey, cid FROM legacy.records;
                    INSERT INTO \(t.head) (id, did, commit_cid, rev, data_cid) SELECT id, did, commit_cid, rev, data_cid FROM legacy.head;
                    """)
                return .commit
            }
            return id
        }
        try FileManager.default.moveItem(atPath: legacy, toPath: legacy + ".moved")
        return try SQLiteRepoStorage(writer: pool, path: path, tables: Self.tables(id))
    }
}
