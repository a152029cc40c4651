import GRDB
import GRDBSQLite

/// Steps a `SELECT id, cid, bytes` statement with SQLite's C API and hands out each row's blobs as
/// views into SQLite's own row buffer. Export reads every block once: GRDB's `Row` cursor costs an
/// object and a `Data` wrapper per column per row, which capped export near 80 MB/s.
struct RawBlockCursor {
    let statement: Statement

    init(_ statement: Statement) { self.statement = statement }

    /// The views are valid only during `body`: SQLite reuses the buffer on the next step.
    func forEach(_ body: (_ id: Int64, _ cid: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) throws -> Void) throws {
        let handle = statement.sqliteStatement
        // Left reset whatever happens, so the statement never holds the read transaction open.
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                    message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
            }
            try body(sqlite3_column_int64(handle, 0), Self.blob(handle, 1), Self.blob(handle, 2))
        }
    }

    /// `sqlite3_column_blob` before `sqlite3_column_bytes`, the order SQLite documents.
    private static func blob(_ handle: SQLiteStatement, _ column: Int32) -> UnsafeRawBufferPointer {
        let start = sqlite3_column_blob(handle, column)
        return UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(handle, column)))
    }
}
