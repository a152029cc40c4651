import Foundation
import Protocol
import Repo
import Synchronization

/// `RepoHost` over the real repo engine: one SQLite store per account under `directory`, commits
/// signed with the account's key. Each account's repo is its own actor (`AccountRepo`): one
/// account's writes are built one at a time, different accounts build in parallel, and one
/// `RepoCommitWriter` stores them all and shares one fsync among every account that wrote.
public final class EngineRepoHost: RepoHost {
    public typealias KeyLookup = @Sendable (_ did: String) async throws -> (any SigningKey)?
    /// Emits a `#sync` of a head (the relay passes `Sequencer.syncEvent`).
    public typealias AnnounceHead = @Sendable (_ did: String, _ commit: CID, _ commitBytes: [UInt8], _ rev: String) throws -> Void
    /// The logged commits of `did` newer than `rev`, oldest first (the relay passes the sequencer's).
    public typealias RedoLog = @Sendable (_ did: String, _ after: String) throws -> [LoggedCommit]

    private let directory: URL
    private let signingKey: KeyLookup
    private let open = Mutex([String: AccountRepo]())

    private let writer: RepoCommitWriter
    private let redoLog: RedoLog?

    /// With `announceHead`, an account one of whose commits has no event announces its head with it
    /// before its next commit. With `redoLog`, an account whose repo write failed recovers the
    /// commits the log holds.
    public convenience init(directory: URL, signingKey: @escaping KeyLookup, announceHead: AnnounceHead? = nil,
                            redoLog: RedoLog? = nil) throws {
        try self.init(directory: directory, signingKey: signingKey, announceHead: announceHead, redoLog: redoLog,
                      checkpointEvery: RepoCommitWriter.checkpointEvery)
    }

    /// `checkpointEvery`: see `RepoCommitWriter.checkpointEvery` (tests shorten it).
    init(directory: URL, signingKey: @escaping KeyLookup, announceHead: AnnounceHead?, redoLog: RedoLog?,
         checkpointEvery: TimeInterval) throws {
        self.redoLog = redoLog
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.signingKey = signingKey
        writer = RepoCommitWriter(announceHead: announceHead, checkpointEvery: checkpointEvery)
    }

    deinit { writer.stop() }

    private func path(_ did: String) -> String {
        // DIDs hold ':' (and '%' for did:web ports); keep file names portable.
        let safe = did.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return directory.appendingPathComponent(String(safe) + ".sqlite").path
    }

    /// The account's repo actor, opening its store on first use (under the lock, so only once).
    func repository(_ did: String, create: Bool = false) throws -> AccountRepo {
        try open.withLock { open in
            if let r = open[did] { return r }
            let file = path(did)
            guard create || FileManager.default.fileExists(atPath: file) else { throw RepoHostError.repoNotFound }
            // Not fsynced per transaction: the writer makes each commit durable in the firehose's
            // log (or fsyncs the repo itself when no event holds the commit), see `RepoCommitWriter`.
            let storage = try SQLiteRepoStorage(path: file, durability: .logged)
            if !create, try storage.head() == nil { throw RepoHostError.repoNotFound }
            let account = try AccountRepo(did: did, storage: storage, lookupKey: signingKey, writer: writer, redoLog: redoLog)
            open[did] = account
            return account
        }
    }

    public func createRepo(did: String) async throws -> RepoCommit {
        try await repository(did, create: true).createGenesis()
    }

    public func apply(did: String, writes: [RepoWrite], swapCommit: CID?,
                      sequence: @escaping @Sendable (RepoCommit) throws -> Void = { _ in }) async throws -> RepoCommit {
        try await repository(did).apply(writes, swapCommit: swapCommit, sequence: sequence)
    }

    public func getRecord(did: String, collection: String, rkey: String) async throws -> (cid: CID, value: DataValue)? {
        try await repository(did).getRecord(collection: collection, rkey: rkey)
    }

    public func listRecords(did: String, collection: String, limit: Int, cursor: String?, reverse: Bool) async throws
        -> [(rkey: String, cid: CID, value: DataValue)] {
        try await repository(did).listRecords(collection: collection, limit: limit, cursor: cursor, reverse: reverse)
    }

    public func collections(did: String) async throws -> [String] {
        try await repository(did).collections()
    }

    public func head(did: String) async throws -> (cid: CID, rev: String)? {
        guard let repo = try? repository(did) else { return nil }
        return await repo.head()
    }

    public func blocks(did: String, cids: [CID]) async throws -> (found: [(cid: CID, bytes: [UInt8])], missing: [CID]) {
        try await repository(did).blocks(cids)
    }

    public func recordProof(did: String, collection: String, rkey: String) async throws -> [UInt8] {
        try await repository(did).recordProof(collection: collection, rkey: rkey)
    }

    public func replay(did: String, commits: [LoggedCommit]) async throws -> (cid: CID, rev: String)? {
        try await repository(did).replay(commits)
    }

    public func exportCAR(did: String, since: String?) async throws -> [UInt8] {
        try await repository(did).exportCAR(since: since)
    }
}
