import Foundation
import GRDB
import Protocol

/// Blobs as files `<root>/<did>/<cid>` (content-addressed, so a re-upload is a no-op), with their
/// metadata and the records referencing them in `<root>/blobs.sqlite`.
public final class DiskBlobStore: BlobStore {
    private let root: URL
    private let db: DatabasePool

    public init(root: String) throws {
        self.root = URL(fileURLWithPath: root, isDirectory: true)
        try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
        db = try DurablePool.open(self.root.appendingPathComponent("blobs.sqlite").path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE blob (
                    did TEXT NOT NULL,
                    cid TEXT NOT NULL,
                    mimeType TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    temporary INTEGER NOT NULL,
                    createdAt REAL NOT NULL,
                    PRIMARY KEY (did, cid)
                );
                CREATE TABLE record_blob (
                    did TEXT NOT NULL,
                    cid TEXT NOT NULL,
                    recordURI TEXT NOT NULL,
                    PRIMARY KEY (did, cid, recordURI)
                );
                CREATE INDEX record_blob_uri ON record_blob(did, recordURI);
                """)
        }
        try migrator.migrate(db)
    }

    public func putTemporary(did: String, bytes: [UInt8], mimeType: String) async throws -> BlobInfo {
        let cid = CID.compute(.raw, bytes).string
        let file = path(did: did, cid: cid)
        if !FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Write aside then rename: a crash never leaves a truncated file under a valid address.
            let partial = file.appendingPathExtension("partial-\(UUID().uuidString)")
            try Data(bytes).write(to: partial)
            guard rename(partial.path, file.path) == 0 else {
                try? FileManager.default.removeItem(at: partial)
                throw CocoaError(.fileWriteUnknown)
            }
        }
        let info = BlobInfo(cid: cid, mimeType: mimeType, size: bytes.count)
        let now = Date().timeIntervalSince1970
        try await db.write { db in
            // Keep an existing row's permanence; refresh a temporary one's clock and mime.
            try db.execute(sql: """
                INSERT INTO blob (did, cid, mimeType, size, temporary, createdAt) VALUES (?, ?, ?, ?, 1, ?)
                ON CONFLICT (did, cid) DO UPDATE SET
                    createdAt = excluded.createdAt,
                    mimeType = CASE WHEN temporary = 1 THEN excluded.mimeType ELSE mimeType END
                """, arguments: [did, cid, mimeType, bytes.count, now])
        }
        return info
    }

    public func reference(did: String, cid: String, recordURI: String) async throws {
        try await db.write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid]) != nil else {
                throw BlobStoreError.blobNotFound(cid)
            }
            try db.execute(sql: "UPDATE blob SET temporary = 0 WHERE did = ? AND cid = ?", arguments: [did, cid])
            try db.execute(sql: "INSERT OR IGNORE INTO record_blob (did, cid, recordURI) VALUES (?, ?, ?)",
                           arguments: [did, cid, recordURI])
        }
    }

    public func missing(did: String, cids: [String]) async throws -> [String] {
        try await db.read { db in
            try cids.filter { try Row.fetchOne(db, sql: "SELECT 1 FROM blob WHERE did = ? AND cid = ?", arguments: [did, $0]) == nil }
        }
    }

    public func setReferences(did: String, recordURI: String, cids: [String]) async throws {
        let orphans = try await db.write { db -> [String] in
            for cid in cids {
                guard try Row.fetchOne(db, sql: "SELECT 1 FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid]) != nil else {
                    throw BlobStoreError.blobNotFound(cid)
                }
            }
            let old = try String.fetchAll(db, sql: "SELECT cid FROM record_blob WHERE did = ? AND recordURI = ?",
                                          arguments: [did, recordURI])
            for cid in cids {
                try db.execute(sql: "UPDATE blob SET temporary = 0 WHERE did = ? AND cid = ?", arguments: [did, cid])
                try db.execute(sql: "INSERT OR IGNORE INTO record_blob (did, cid, recordURI) VALUES (?, ?, ?)",
                               arguments: [did, cid, recordURI])
            }
            var orphans: [String] = []
            for cid in old where !cids.contains(cid) {
                try db.execute(sql: "DELETE FROM record_blob WHERE did = ? AND cid = ? AND recordURI = ?",
                               arguments: [did, cid, recordURI])
                if try Row.fetchOne(db, sql: "SELECT 1 FROM record_blob WHERE did = ? AND cid = ?", arguments: [did, cid]) == nil {
                    try db.execute(sql: "DELETE FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid])
                    orphans.append(cid)
                }
            }
            return orphans
        }
        for cid in orphans { try? FileManager.default.removeItem(at: path(did: did, cid: cid)) }
    }

    public func unreference(did: String, recordURI: String) async throws {
        let orphans = try await db.write { db -> [String] in
            let cids = try String.fetchAll(db, sql: "SELECT cid FROM record_blob WHERE did = ? AND recordURI = ?",
                                           arguments: [did, recordURI])
            try db.execute(sql: "DELETE FROM record_blob WHERE did = ? AND recordURI = ?", arguments: [did, recordURI])
            var orphans: [String] = []
            for cid in cids {
                let stillUsed = try Row.fetchOne(db, sql: "SELECT 1 FROM record_blob WHERE did = ? AND cid = ?",
                                                 arguments: [did, cid]) != nil
                if stillUsed { continue }
                try db.execute(sql: "DELETE FROM blob WHERE did = ? AND cid = ?", arguments: [did, cid])
                orphans.append(cid)
            }
            return orphans
        }
        for cid in orphans { try? FileManager.default.removeItem(at: path(did: did, cid: cid)) }
    }

    public func get(did: String, cid: String) async throws -> (BlobInfo, [UInt8])? {
        let info = try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT mimeType, size FROM blob WHERE did = ? AND cid = ? AND temporary = 0",
                             arguments: [did, cid]).map { BlobInfo(cid: cid, mimeType: $0["mimeType"], size: $0["size"]) }
        }
        guard let info, let data = FileManager.default.contents(atPath: path(did: did, cid: cid).path) else { return nil }
        return (info, Array(data))
    }

    public func list(did: String, limit: Int, after cursor: String?) async throws -> [String] {
        try await db.read { db in
            try String.fetchAll(db, sql: """
                SELECT cid FROM blob WHERE did = ? AND temporary = 0 AND cid > ? ORDER BY cid LIMIT ?
                """, arguments: [did, cursor ?? "", limit])
        }
    }

    public func collectGarbage(uploadedBefore cutoff: Date) async throws -> Int {
        let doomed = try await db.write { db -> [Row] in
            let rows = try Row.fetchAll(db, sql: "SELECT did, cid FROM blob WHERE temporary = 1 AND createdAt < ?",
                                        arguments: [cutoff.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM blob WHERE temporary = 1 AND createdAt < ?",
                           arguments: [cutoff.timeIntervalSince1970])
            return rows
        }
        for row in doomed { try? FileManager.default.removeItem(at: path(did: row["did"], cid: row["cid"])) }
        return doomed.count
    }

    func path(did: String, cid: String) -> URL {
        // DIDs carry ':' and did:web may carry '%': keep directory names plain.
        let dir = did.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? String($0) : "_" }.joined()
        return root.appendingPathComponent(dir, isDirectory: true).appendingPathComponent(cid)
    }
}
