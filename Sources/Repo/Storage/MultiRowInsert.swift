import GRDB

/// An INSERT run as one statement per chunk of rows (`VALUES (…), (…), …`) instead of one per
/// row. A commit writes a dozen or so blocks and garbage rows, a group hundreds; per row, GRDB's
/// statement execution (reset, argument binding, step) cost more than SQLite's insert itself.
struct MultiRowInsert {
    static let chunk = 64

    static let blocks = MultiRowInsert(prefix: "INSERT INTO blocks (cid, rev, bytes) VALUES ",
                                       suffix: " ON CONFLICT(cid) DO UPDATE SET rev = excluded.rev", columns: 3)
    static let garbage = MultiRowInsert(prefix: "INSERT INTO garbage (cid, rev, record) VALUES ", suffix: "", columns: 3)

    let columns: Int
    /// The statement text for 1…chunk rows, built once (GRDB caches the prepared statements by text).
    let sql: [String]

    init(prefix: String, suffix: String, columns: Int) {
        self.columns = columns
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        sql = (0...Self.chunk).map { n in prefix + Array(repeating: row, count: n).joined(separator: ", ") + suffix }
    }

    /// Inserts `count` rows; `row(i)` gives row i's `columns` values.
    func run(_ db: Database, count: Int, _ row: (Int) -> [any DatabaseValueConvertible]) throws {
        var start = 0
        while start < count {
            let n = min(Self.chunk, count - start)
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(n * columns)
            for i in start..<(start + n) { for v in row(i) { values.append(v) } }
            try db.cachedStatement(sql: sql[n]).execute(arguments: StatementArguments(values))
            start += n
        }
    }
}
