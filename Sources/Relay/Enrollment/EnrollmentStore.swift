import Crypto
import Foundation
import GRDB
import Protocol

/// enrollment.sqlite: pairing tokens (hashed, single use), the one desktop bound to each account
/// and whether the account is enrolled, and the ack of every commit signed for a desktop (what makes
/// a repeated push answer with the same seq instead of being signed twice, spec 6.3).
public final class EnrollmentStore: Sendable {
    private let db: DatabasePool
    /// Whether each account is enrolled: asked on every repo write and read (mobile or desktop
    /// path). Emptied after every write to `device` here; no other code (nor `dpds relay devices
    /// revoke`, which only clears endpointID) changes `enrolled`.
    private let enrolledCache = ReadThroughCache<String, Bool>()

    public init(path: String) throws {
        db = try DurablePool.open(path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE pairing_token (
                    tokenHash BLOB PRIMARY KEY NOT NULL,
                    did TEXT NOT NULL,
                    expiresAt INTEGER NOT NULL,
                    usedAt INTEGER
                );
                CREATE TABLE device (
                    did TEXT PRIMARY KEY NOT NULL,
                    endpointID TEXT NOT NULL,
                    pairedAt INTEGER NOT NULL,
                    enrolled INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE commit_ack (
                    did TEXT NOT NULL,
                    rev TEXT NOT NULL,
                    commitHash BLOB NOT NULL,
                    seq INTEGER NOT NULL,
                    cid TEXT NOT NULL,
                    sig BLOB NOT NULL,
                    signedAt INTEGER NOT NULL,
                    PRIMARY KEY (did, rev)
                );
                """)
        }
        try migrator.migrate(db)
    }

    static func hash(_ bytes: some Sequence<UInt8>) -> Data { Data(SHA256.hash(data: Array(bytes))) }

    public func addToken(_ token: String, did: String, expiresAt: Int) async throws {
        try await db.write { db in
            try db.execute(sql: "INSERT INTO pairing_token (tokenHash, did, expiresAt) VALUES (?, ?, ?)",
                           arguments: [Self.hash(token.utf8), did, expiresAt])
        }
    }

    public enum TokenRefusal: Error, Equatable { case unknown, expired, used, otherAccount, deviceBound }

    /// Verifies and consumes the token and binds `did` to `endpointID`, in one transaction (spec 4.2).
    public func consumeToken(_ token: String, did: String, endpointID: String, now: Int) async throws {
        try await db.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT did, expiresAt, usedAt FROM pairing_token WHERE tokenHash = ?",
                                             arguments: [Self.hash(token.utf8)]) else { throw TokenRefusal.unknown }
            if (row["usedAt"] as Int?) != nil { throw TokenRefusal.used }
            if (row["expiresAt"] as Int) <= now { throw TokenRefusal.expired }
            if (row["did"] as String) != did { throw TokenRefusal.otherAccount }
            // One desktop per account: a second one pairs only after the first was revoked.
            if let bound = try String.fetchOne(db, sql: "SELECT endpointID FROM device WHERE did = ?", arguments: [did]),
               !bound.isEmpty, bound != endpointID { throw TokenRefusal.deviceBound }
            try db.execute(sql: "UPDATE pairing_token SET usedAt = ? WHERE tokenHash = ?", arguments: [now, Self.hash(token.utf8)])
            try db.execute(sql: """
                INSERT INTO device (did, endpointID, pairedAt, enrolled) VALUES (?, ?, ?, 0)
                ON CONFLICT(did) DO UPDATE SET endpointID = excluded.endpointID, pairedAt = excluded.pairedAt
                """, arguments: [did, endpointID, now])
        }
        enrolledCache.invalidateAll()
    }

    public struct DeviceRecord: Sendable, Equatable {
        public var did: String
        public var endpointID: String
        public var pairedAt: Int
        public var enrolled: Bool
    }

    public func device(did: String) async throws -> DeviceRecord? {
        try await db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM device WHERE did = ?", arguments: [did]).map(Self.decode)
        }
    }

    /// `device(did:)?.enrolled == true`, from memory after the first ask.
    public func isEnrolled(did: String) async throws -> Bool {
        try await enrolledCache.value(did) { try await device(did: did)?.enrolled == true }
    }

    public func devices() async throws -> [DeviceRecord] {
        try await db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM device ORDER BY did").map(Self.decode) }
    }

    private static func decode(_ row: Row) -> DeviceRecord {
        DeviceRecord(did: row["did"], endpointID: row["endpointID"], pairedAt: row["pairedAt"], enrolled: row["enrolled"])
    }

    public func setEnrolled(did: String, _ enrolled: Bool) async throws {
        try await db.write { db in
            try db.execute(sql: "UPDATE device SET enrolled = ? WHERE did = ?", arguments: [enrolled, did])
        }
        enrolledCache.invalidateAll()
    }

    /// Unbinds the desktop. An enrolled account stays enrolled (the relay only holds a cache): its
    /// writes wait, answered 503, until another desktop pairs and is promoted from that cache.
    public func revoke(did: String) async throws -> Bool {
        defer { enrolledCache.invalidateAll() }
        return try await db.write { db in
            try db.execute(sql: "UPDATE device SET endpointID = '' WHERE did = ? AND endpointID != ''", arguments: [did])
            return db.changesCount > 0
        }
    }

    public struct StoredAck: Sendable, Equatable {
        public var commitHash: Data
        public var seq: Int
        public var cid: CID
        public var sig: [UInt8]
    }

    public func ack(did: String, rev: String) async throws -> StoredAck? {
        try await db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM commit_ack WHERE did = ? AND rev = ?", arguments: [did, rev])
            else { return nil }
            return StoredAck(commitHash: row["commitHash"], seq: row["seq"], cid: try CID(string: row["cid"]),
                             sig: Array(row["sig"] as Data))
        }
    }

    public func storeAck(did: String, rev: String, commit: [UInt8], seq: Int, cid: CID, sig: [UInt8], now: Int) async throws {
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO commit_ack (did, rev, commitHash, seq, cid, sig, signedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [did, rev, Self.hash(commit), seq, cid.description, Data(sig), now])
        }
    }

    public typealias AckRow = (did: String, rev: String, commit: [UInt8], seq: Int, cid: CID, sig: [UInt8])

    /// Several acks in one transaction (a batch of pipelined pushes).
    public func storeAcks(_ acks: [AckRow], now: Int) async throws {
        guard !acks.isEmpty else { return }
        try await db.write { db in try Self.insert(acks, now: now, into: db) }
    }

    /// `storeAcks` on the caller's thread: the push path waits for it anyway, without the two
    /// thread hops of an asynchronous write.
    public func storeAcksNow(_ acks: [AckRow], now: Int) throws {
        guard !acks.isEmpty else { return }
        try db.write { db in try Self.insert(acks, now: now, into: db) }
    }

    private static func insert(_ acks: [AckRow], now: Int, into db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO commit_ack (did, rev, commitHash, seq, cid, sig, signedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for a in acks {
            try insert.execute(arguments: [a.did, a.rev, hash(a.commit), a.seq, a.cid.description, Data(a.sig), now])
        }
    }

    /// Retention of the commit buffer: acks older than `cutoff` (unix seconds) go, except each account's newest.
    public func pruneAcks(signedBefore cutoff: Int) async throws -> Int {
        try await db.write { db in
            try db.execute(sql: """
                DELETE FROM commit_ack WHERE signedAt < ? AND rev NOT IN (SELECT MAX(rev) FROM commit_ack a WHERE a.did = commit_ack.did)
                """, arguments: [cutoff])
            return db.changesCount
        }
    }
}
