/// The names of one repo's tables. A repo alone in its file uses the plain names; several repos
/// sharing one SQLite file (the relay's accounts, so one transaction and one fsync can commit
/// many accounts' writes together) each get their own prefix.
public struct RepoTables: Sendable, Equatable {
    public let prefix: String
    public var blocks: String { prefix + "blocks" }
    public var blocksCIDIndex: String { prefix + "blocks_cid" }
    public var garbage: String { prefix + "garbage" }
    public var records: String { prefix + "records" }
    public var head: String { prefix + "head" }

    /// `prefix` must be a plain identifier fragment (letters, digits, `_`): it is spliced into SQL.
    public init(prefix: String = "") {
        precondition(prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }, "bad table prefix")
        self.prefix = prefix
    }

    public static let plain = RepoTables()
}
