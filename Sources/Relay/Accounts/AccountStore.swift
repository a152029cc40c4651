import Foundation
import GRDB

/// account.sqlite: accounts, refresh tokens (rotation and revocation), invite codes.
/// A concrete SQLite store; a PostgreSQL one would take its place behind the same methods.
public final class AccountStore: Sendable {
    /// Internal so the identity code's extension (PLC op log) shares the file and its migrations.
    let db: DatabasePool
    /// Accounts by DID and by handle (nil cached too: "no such account"). Every write to the
    /// `account` table below empties both; nothing else writes that table (see ReadThroughCache).
    private let byDID = ReadThroughCache<String, Account?>()
    private let byHandle = ReadThroughCache<String, Account?>()

    public init(path: String) throws {
        db = try DurablePool.open(path)
        try Self.migrator.migrate(db)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    did TEXT PRIMARY KEY NOT NULL,
                    handle TEXT NOT NULL UNIQUE,
                    email TEXT UNIQUE,
                    passwordScrypt TEXT NOT NULL,
                    createdAt TEXT NOT NULL,
                    deactivatedAt TEXT
                );
                CREATE TABLE refresh_token (
                    id TEXT PRIMARY KEY NOT NULL,
                    did TEXT NOT NULL,
                    expiresAt INTEGER NOT NULL
                );
                CREATE INDEX refresh_token_did ON refresh_token(did);
                CREATE TABLE invite_code (
                    code TEXT PRIMARY KEY NOT NULL,
                    availableUses INTEGER NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    createdAt TEXT NOT NULL
                );
                CREATE TABLE invite_code_use (
                    code TEXT NOT NULL,
                    usedBy TEXT NOT NULL,
                    usedAt TEXT NOT NULL,
                    PRIMARY KEY (code, usedBy)
                );
                """)
        }
        migrator.registerMigration("v2-account-keys") { db in
            try db.execute(sql: "CREATE TABLE account_key (did TEXT PRIMARY KEY NOT NULL, sealed BLOB NOT NULL)")
        }
        migrator.registerMigration("v3-plc-ops") { db in
            try db.execute(sql: """
                CREATE TABLE plc_op (
                    did TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    cid TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    createdAt TEXT NOT NULL,
                    PRIMARY KEY (did, seq)
                )
                """)
        }
        return migrator
    }

    public enum CreateError: Error, Equatable { case handleTaken, emailTaken, didTaken, invalidInviteCode }

    /// Inserts the account and, when given, consumes one use of the invite code, atomically.
    public func create(_ account: Account, inviteCode: String?) async throws {
        try await db.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM account WHERE handle = ?", arguments: [account.handle]) != nil {
                throw CreateError.handleTaken
            }
            if try Row.fetchOne(db, sql: "SELECT 1 FROM account WHERE did = ?", arguments: [account.did]) != nil {
                throw CreateError.didTaken
            }
            if let email = account.email,
               try Row.fetchOne(db, sql: "SELECT 1 FROM account WHERE email = ?", arguments: [email]) != nil {
                throw CreateError.emailTaken
            }
            if let code = inviteCode {
                let row = try Row.fetchOne(db, sql: """
                    SELECT availableUses - (SELECT COUNT(*) FROM invite_code_use u WHERE u.code = c.code) AS remaining
                    FROM invite_code c WHERE code = ? AND disabled = 0
                    """, arguments: [code])
                guard let remaining: Int = row?["remaining"], remaining > 0 else { throw CreateError.invalidInviteCode }
                try db.execute(sql: "INSERT INTO invite_code_use (code, usedBy, usedAt) VALUES (?, ?, ?)",
                               arguments: [code, account.did, account.createdAt])
            }
            try db.execute(sql: """
                INSERT INTO account (did, handle, email, passwordScrypt, createdAt, deactivatedAt)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [account.did, account.handle, account.email, account.passwordScrypt,
                                 account.createdAt, account.deactivatedAt])
        }
        accountsChanged()
    }

    /// After any write to `account` (the cached lookups may have seen the old rows).
    func accountsChanged() {
        byDID.invalidateAll()
        byHandle.invalidateAll()
    }

    /// Looks an account up by handle, DID or email, as createSession's `identifier` allows.
    public func find(identifier: String) async throws -> Account? {
        let key = identifier.lowercased()
        return try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM account WHERE did = ? OR handle = ? OR email = ?",
                             arguments: [identifier, key, key]).map(Self.decode)
        }
    }

    public func account(did: String) async throws -> Account? {
        try await byDID.value(did) {
            try await db.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM account WHERE did = ?", arguments: [did]).map(Self.decode)
            }
        }
    }

    public func account(handle: String) async throws -> Account? {
        let handle = handle.lowercased()
        return try await byHandle.value(handle) {
            try await db.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM account WHERE handle = ?", arguments: [handle]).map(Self.decode)
            }
        }
    }

    /// Accounts in DID order, strictly after `cursor` (listRepos paging).
    public func list(after cursor: String?, limit: Int) async throws -> [Account] {
        try await db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM account WHERE did > ? ORDER BY did LIMIT ?",
                             arguments: [cursor ?? "", limit]).map(Self.decode)
        }
    }

    public func setDeactivated(did: String, at time: String?) async throws {
        try await db.write { db in
            try db.execute(sql: "UPDATE account SET deactivatedAt = ? WHERE did = ?", arguments: [time, did])
        }
        accountsChanged()
    }

    // MARK: refresh tokens

    public func storeRefreshToken(id: String, did: String, expiresAt: Int) async throws {
        try await db.write { db in
            try db.execute(sql: "INSERT INTO refresh_token (id, did, expiresAt) VALUES (?, ?, ?)",
                           arguments: [id, did, expiresAt])
        }
    }

    /// Rotation: the old token stops working in the same transaction the new one is stored.
    /// Returns false when the old one was already used or revoked.
    public func rotateRefreshToken(old: String, new: String, did: String, expiresAt: Int) async throws -> Bool {
        try await db.write { db in
            try db.execute(sql: "DELETE FROM refresh_token WHERE id = ? AND did = ?", arguments: [old, did])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "INSERT INTO refresh_token (id, did, expiresAt) VALUES (?, ?, ?)",
                           arguments: [new, did, expiresAt])
            return true
        }
    }

    public func revokeRefreshToken(id: String) async throws {
        try await db.write { db in
            try db.execute(sql: "DELETE FROM refresh_token WHERE id = ?", arguments: [id])
        }
    }

    // MARK: signing keys (sealed by AccountKeys)

    public func storeSealedKey(did: String, sealed: [UInt8]) async throws {
        try await db.write { db in
            try db.execute(sql: "INSERT INTO account_key (did, sealed) VALUES (?, ?)", arguments: [did, Data(sealed)])
        }
    }

    public func sealedKey(did: String) async throws -> [UInt8]? {
        try await db.read { db in
            try Data.fetchOne(db, sql: "SELECT sealed FROM account_key WHERE did = ?", arguments: [did]).map(Array.init)
        }
    }

    // MARK: invite codes

    public func createInviteCode(uses: Int, createdAt: String) async throws -> String {
        let code = "invite-" + randomHex(5) + "-" + randomHex(5)
        try await db.write { db in
            try db.execute(sql: "INSERT INTO invite_code (code, availableUses, createdAt) VALUES (?, ?, ?)",
                           arguments: [code, uses, createdAt])
        }
        return code
    }

    private static func decode(_ row: Row) -> Account {
        Account(did: row["did"], handle: row["handle"], email: row["email"], passwordScrypt: row["passwordScrypt"],
                createdAt: row["createdAt"], deactivatedAt: row["deactivatedAt"])
    }
}

extension AccountStore {
    public enum HandleError: Error, Equatable { case handleTaken }

    /// For updateHandle; refuses a handle another account holds.
    public func setHandle(did: String, handle: String) async throws {
        try await db.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM account WHERE handle = ? AND did != ?", arguments: [handle, did]) != nil {
                throw HandleError.handleTaken
            }
            try db.execute(sql: "UPDATE account SET handle = ? WHERE did = ?", arguments: [handle, did])
        }
        accountsChanged()
    }
}
