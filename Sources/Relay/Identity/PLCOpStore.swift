import Foundation
import GRDB
import Protocol

/// Each of our did:plc accounts' op log, kept in account.sqlite: what the embedded default
/// resolves our own DIDs from, and the `prev` of the next op we sign.
extension AccountStore {
    public func appendPLCOp(did: String, _ op: PLCSignedOperation) async throws {
        try await db.write { db in
            let next = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM plc_op WHERE did = ?", arguments: [did]) ?? -1) + 1
            try db.execute(sql: "INSERT INTO plc_op (did, seq, cid, operation, createdAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [did, next, op.cid.string, op.json, Timestamp.now()])
        }
    }

    /// Oldest first; empty when the DID is not one we registered.
    public func plcOps(did: String) async throws -> [PLCSignedOperation] {
        let rows = try await db.read { db in
            try String.fetchAll(db, sql: "SELECT operation FROM plc_op WHERE did = ? ORDER BY seq", arguments: [did])
        }
        return try rows.map { try PLCSignedOperation(json: $0) }
    }
}
