import Foundation
import GRDB
import Keys

/// escrow.sqlite: each account's escrowed share (sealed under the relay's escrow key, bound to the
/// DID), its pending releases, and its append-only audit log (triggers refuse UPDATE and DELETE).
public final class EscrowStore: Sendable {
    private let db: DatabasePool
    private let sealer: WrappingKey

    public struct Release: Sendable, Equatable {
        public let id: Int64
        public let requestedAt: Int
        public let availableAt: Int
    }

    public struct ShareInfo: Sendable, Equatable {
        public let shareID: String
        public let createdAt: String
    }

    public init(path: String, sealer: WrappingKey) throws {
        db = try DurablePool.open(path)
        self.sealer = sealer
        try Self.migrator.migrate(db)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE escrow_share (
                    did TEXT PRIMARY KEY NOT NULL,
                    shareID TEXT NOT NULL,
                    sealed BLOB NOT NULL,
                    createdAt TEXT NOT NULL
                );
                CREATE TABLE escrow_release (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    did TEXT NOT NULL,
                    requestedAt INTEGER NOT NULL,
                    availableAt INTEGER NOT NULL,
                    state TEXT NOT NULL
                );
                CREATE INDEX escrow_release_did ON escrow_release(did, state);
                CREATE TABLE escrow_log (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    did TEXT NOT NULL,
                    at TEXT NOT NULL,
                    action TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT
                );
                CREATE INDEX escrow_log_did ON escrow_log(did, seq);
                CREATE TRIGGER escrow_log_no_update BEFORE UPDATE ON escrow_log
                    BEGIN SELECT RAISE(ABORT, 'escrow_log is append-only'); END;
                CREATE TRIGGER escrow_log_no_delete BEFORE DELETE ON escrow_log
                    BEGIN SELECT RAISE(ABORT, 'escrow_log is append-only'); END;
                """)
        }
        return migrator
    }

    private static func context(_ did: String) -> String { "dpds-escrow:\(did)" }

    /// Stores (or replaces) the account's share; any pending release is void, since it was for the old share.
    public func put(did: String, shareID: String, share: SecretBytes, at: String) async throws {
        let sealed = try sealer.seal(share, context: Self.context(did))
        try await db.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO escrow_share (did, shareID, sealed, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [did, shareID, Data(sealed), at])
            try db.execute(sql: "UPDATE escrow_release SET state = 'superseded' WHERE did = ? AND state = 'pending'", arguments: [did])
        }
    }

    public func info(did: String) async throws -> ShareInfo? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT shareID, createdAt FROM escrow_share WHERE did = ?", arguments: [did])
                .map { ShareInfo(shareID: $0["shareID"], createdAt: $0["createdAt"]) }
        }
    }

    public func share(did: String) async throws -> SecretBytes? {
        let sealed: Data? = try await db.read { db in
            try Data.fetchOne(db, sql: "SELECT sealed FROM escrow_share WHERE did = ?", arguments: [did])
        }
        guard let sealed else { return nil }
        return try sealer.open([UInt8](sealed), context: Self.context(did))
    }

    public func delete(did: String) async throws -> Bool {
        try await db.write { db in
            try db.execute(sql: "DELETE FROM escrow_share WHERE did = ?", arguments: [did])
            let deleted = db.changesCount > 0
            try db.execute(sql: "UPDATE escrow_release SET state = 'superseded' WHERE did = ? AND state = 'pending'", arguments: [did])
            return deleted
        }
    }

    public func pendingRelease(did: String) async throws -> Release? {
        try await db.read { db in
            try Row.fetchOne(db, sql: """
                SELECT id, requestedAt, availableAt FROM escrow_release WHERE did = ? AND state = 'pending'
                ORDER BY id DESC LIMIT 1
                """, arguments: [did])
                .map { Release(id: $0["id"], requestedAt: $0["requestedAt"], availableAt: $0["availableAt"]) }
        }
    }

    public func startRelease(did: String, now: Int, delay: Int) async throws -> Release {
        try await db.write { db in
            try db.execute(sql: "INSERT INTO escrow_release (did, requestedAt, availableAt, state) VALUES (?, ?, ?, 'pending')",
                           arguments: [did, now, now + delay])
            return Release(id: db.lastInsertedRowID, requestedAt: now, availableAt: now + delay)
        }
    }

    public func finishRelease(id: Int64, state: String) async throws {
        try await db.write { db in
            try db.execute(sql: "UPDATE escrow_release SET state = ? WHERE id = ?", arguments: [state, id])
        }
    }

    public func append(did: String, action: EscrowAction, actor: String, origin: String, outcome: String,
                       detail: String? = nil, at: String) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO escrow_log (did, at, action, actor, origin, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [did, at, action.rawValue, actor, origin, outcome, detail])
        }
    }

    public func log(did: String, limit: Int = 1000) async throws -> [EscrowLogEntry] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM escrow_log WHERE did = ? ORDER BY seq LIMIT ?", arguments: [did, limit])
                .map { EscrowLogEntry(seq: $0["seq"], at: $0["at"], action: $0["action"], actor: $0["actor"],
                                      origin: $0["origin"], outcome: $0["outcome"], detail: $0["detail"]) }
        }
    }
}
