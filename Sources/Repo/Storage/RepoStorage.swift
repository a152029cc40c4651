import Protocol

/// The current head of a repo: its latest signed commit.
public struct RepoHead: Sendable, Equatable {
    public var did: String
    public var commit: CID
    public var rev: String
    public var data: CID

    public init(did: String, commit: CID, rev: String, data: CID) {
        self.did = did; self.commit = commit; self.rev = rev; self.data = data
    }
}

/// One entry of the records index.
public struct RecordEntry: Sendable, Equatable {
    public var collection: String
    public var rkey: String
    public var cid: CID
    public init(collection: String, rkey: String, cid: CID) { self.collection = collection; self.rkey = rkey; self.cid = cid }
}

/// Everything one commit changes in storage; applied atomically (all or nothing).
public struct StorageWrite: Sendable {
    public var head: RepoHead
    /// New blocks (MST nodes, records, the commit), tagged with `head.rev`.
    public var putBlocks: [Block]
    /// Blocks no longer reachable (old MST nodes, the previous commit).
    public var deleteBlocks: [CID]
    /// Record blocks that left the tree; deleted only if no remaining key still points at them.
    public var releasedRecords: [CID]
    /// Records index changes: nil cid deletes the entry.
    public var recordChanges: [(collection: String, rkey: String, cid: CID?)]

    public init(head: RepoHead, putBlocks: [Block], deleteBlocks: [CID] = [], releasedRecords: [CID] = [],
                recordChanges: [(collection: String, rkey: String, cid: CID?)] = []) {
        self.head = head; self.putBlocks = putBlocks; self.deleteBlocks = deleteBlocks
        self.releasedRecords = releasedRecords; self.recordChanges = recordChanges
    }
}

/// Storage behind the repo engine. SQLite is the one we ship; a PostgreSQL store can implement
/// the same protocol without the MST or commit code changing.
public protocol RepoStorage: BlockSource, AnyObject {
    func head() throws -> RepoHead?
    func apply(_ write: StorageWrite) throws
    /// Records in key order (`reverse` for descending), strictly after `cursor` (an rkey) in that order.
    func listRecords(collection: String, cursor: String?, limit: Int, reverse: Bool) throws -> [RecordEntry]
    func collections() throws -> [String]
    /// Blocks written by commits with rev > `since` (all blocks when nil), in rev order.
    func forEachBlock(since: String?, _ body: (Block) throws -> Void) throws
}
