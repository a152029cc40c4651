import Foundation
import GRDB

/// preferences.sqlite: each account's `app.bsky` preferences, kept by the PDS (not the AppView)
/// as the reference PDS does. Stored as the client sent them (a JSON array of `$type`d objects).
public final class PreferencesStore: Sendable {
    private let db: DatabasePool

    public init(path: String) throws {
        db = try DurablePool.open(path)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "CREATE TABLE preferences (did TEXT PRIMARY KEY NOT NULL, json BLOB NOT NULL)")
        }
        try migrator.migrate(db)
    }

    public func get(did: String) async throws -> [UInt8]? {
        try await db.read { db in
            try Data.fetchOne(db, sql: "SELECT json FROM preferences WHERE did = ?", arguments: [did]).map(Array.init)
        }
    }

    public func put(did: String, json: [UInt8]) async throws {
        try await db.write { db in
            try db.execute(sql: "INSERT INTO preferences (did, json) VALUES (?, ?) ON CONFLICT (did) DO UPDATE SET json = excluded.json",
                           arguments: [did, Data(json)])
        }
    }
}
