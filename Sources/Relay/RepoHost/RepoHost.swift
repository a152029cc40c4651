import Protocol
import Repo

/// The narrow slice of the repo engine (Sources/Repo) the relay needs. The engine's API is still
/// being written; one small adapter file will make it conform, and endpoints only ever see this.
public protocol RepoHost: Sendable {
    /// Creates an empty repo for a new account and returns its genesis commit.
    func createRepo(did: String) async throws -> RepoCommit
    /// Applies writes atomically, honouring `swapCommit` (the expected current head).
    /// `sequence` runs before the next commit of the same account can start, so firehose order follows
    /// commit order; different accounts may commit in parallel. A create of an existing record is
    /// `invalidSwap`. The commit's `blobs` are those its created/updated records reference.
    func apply(did: String, writes: [RepoWrite], swapCommit: CID?,
               sequence: @escaping @Sendable (RepoCommit) throws -> Void) async throws -> RepoCommit
    func getRecord(did: String, collection: String, rkey: String) async throws -> (cid: CID, value: DataValue)?
    func listRecords(did: String, collection: String, limit: Int, cursor: String?, reverse: Bool) async throws
        -> [(rkey: String, cid: CID, value: DataValue)]
    func collections(did: String) async throws -> [String]
    func head(did: String) async throws -> (cid: CID, rev: String)?
    /// The stored blocks among `cids` (commits, MST nodes, records), and the CIDs not found.
    func blocks(did: String, cids: [CID]) async throws -> (found: [(cid: CID, bytes: [UInt8])], missing: [CID])
    /// A CAR rooted at the head commit proving `collection/rkey` (present or absent): the commit,
    /// the MST nodes on the key's path, and the record when there is one.
    func recordProof(did: String, collection: String, rkey: String) async throws -> [UInt8]
    /// The whole repo (or the part newer than `since`) as a CAR file.
    func exportCAR(did: String, since: String?) async throws -> [UInt8]
    /// Stores, oldest first, commits that the repo lost to a power loss but the firehose's log kept
    /// (a host that keeps the log as its redo log, see `RepoCommitWriter`); returns the new head.
    func replay(did: String, commits: [LoggedCommit]) async throws -> (cid: CID, rev: String)?
}

extension RepoHost {
    /// A host whose repos are durable by themselves has nothing to replay.
    public func replay(did: String, commits: [LoggedCommit]) async throws -> (cid: CID, rev: String)? {
        try await head(did: did)
    }
}

public enum RepoWrite: Sendable, Equatable {
    /// `swapRecord` on update/delete is the expected current record CID (nil: no expectation).
    case create(collection: String, rkey: String, value: DataValue)
    case update(collection: String, rkey: String, value: DataValue, swapRecord: CID?)
    case delete(collection: String, rkey: String, swapRecord: CID?)
}

/// What one commit did: enough for the write endpoints' answers and the firehose `#commit` event.
public struct RepoCommit: Sendable {
    public struct Op: Sendable {
        public let action: String   // create | update | delete
        public let path: String     // collection/rkey
        public let cid: CID?
        public let prev: CID?
    }

    public let did: String
    public let cid: CID
    public let rev: String
    public let since: String?
    public let prevData: CID?
    /// CAR slice of the blocks this commit added.
    public let blocks: [UInt8]
    public let ops: [Op]
    public let blobs: [CID]
}

public enum RepoHostError: Error, Equatable {
    case repoNotFound
    case invalidSwap(String)
    case recordNotFound
}
