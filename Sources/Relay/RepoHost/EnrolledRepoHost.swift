import HTTPTypes
import Repo
import Protocol

/// `RepoHost` for a relay with desktops: accounts in mobile mode go to the relay's own engine
/// (`inner`); for enrolled accounts writes become `writeRequest`s to the desktop and reads come
/// from the relay's signed cache. XRPC endpoints see only `RepoHost` and stay unchanged.
public struct EnrolledRepoHost: RepoHost {
    let inner: any RepoHost
    let enrollment: Enrollment

    public init(inner: any RepoHost, enrollment: Enrollment) {
        self.inner = inner
        self.enrollment = enrollment
    }

    private func enrolled(_ did: String) async throws -> Bool {
        try await enrollment.store.isEnrolled(did: did)
    }

    public func createRepo(did: String) async throws -> RepoCommit { try await inner.createRepo(did: did) }

    /// Mobile-mode repos only: an enrolled account's cache is refilled by the desktop.
    public func replay(did: String, commits: [LoggedCommit]) async throws -> (cid: CID, rev: String)? {
        try await inner.replay(did: did, commits: commits)
    }

    public func apply(did: String, writes: [RepoWrite], swapCommit: CID?,
                      sequence: @escaping @Sendable (RepoCommit) throws -> Void) async throws -> RepoCommit {
        if try await enrollment.beginMobileWrite(did: did) {
            do {
                let commit = try await inner.apply(did: did, writes: writes, swapCommit: swapCommit, sequence: sequence)
                await enrollment.endMobileWrite(did: did)
                return commit
            } catch {
                await enrollment.endMobileWrite(did: did)
                throw error
            }
        }
        if try await enrollment.mode(did: did) == .switching {
            throw Self.unavailable(retryAfter: DeviceRelayProtocol.busyRetryAfterSeconds, "DeviceSwitching",
                                   "The repository is moving to the desktop; try again shortly")
        }
        do {
            // Sequenced when the desktop's commit was signed: `sequence` already ran for it, in effect.
            return try await enrollment.forward(did: did, writes: writes.map(Self.proxied), swapCommit: swapCommit)
        } catch let u as Enrollment.Unavailable {
            throw Self.unavailable(retryAfter: u.retryAfterSeconds, u.error, u.message)
        } catch let r as Enrollment.WriteRefused {
            if let retry = r.error.retryAfterSeconds { throw Self.unavailable(retryAfter: retry, r.name, r.message) }
            throw XRPCError(HTTPResponse.Status(code: r.error.httpStatus), r.name, r.message)
        }
    }

    /// 503 with `Retry-After` and the reason as the XRPC error name (spec 9.4, 11).
    static func unavailable(retryAfter: Int, _ name: String, _ message: String) -> XRPCError {
        XRPCError(.serviceUnavailable, name, message, retryAfter: retryAfter)
    }

    static func proxied(_ write: RepoWrite) -> ProxiedWrite {
        switch write {
        case .create(let c, let r, let value):
            ProxiedWrite(action: .create, collection: c, rkey: r, value: value.mapValue)
        case .update(let c, let r, let value, let swap):
            ProxiedWrite(action: .update, collection: c, rkey: r, value: value.mapValue, swapRecord: swap)
        case .delete(let c, let r, let swap):
            ProxiedWrite(action: .delete, collection: c, rkey: r, swapRecord: swap)
        }
    }

    public func getRecord(did: String, collection: String, rkey: String) async throws -> (cid: CID, value: DataValue)? {
        guard try await enrolled(did) else { return try await inner.getRecord(did: did, collection: collection, rkey: rkey) }
        return try await enrollment.cachedRecord(did: did, collection: collection, rkey: rkey)
    }

    public func listRecords(did: String, collection: String, limit: Int, cursor: String?, reverse: Bool) async throws
        -> [(rkey: String, cid: CID, value: DataValue)] {
        guard try await enrolled(did) else {
            return try await inner.listRecords(did: did, collection: collection, limit: limit, cursor: cursor, reverse: reverse)
        }
        return try await enrollment.cachedRecords(did: did, collection: collection, limit: limit, cursor: cursor, reverse: reverse)
    }

    public func collections(did: String) async throws -> [String] {
        guard try await enrolled(did) else { return try await inner.collections(did: did) }
        return try await enrollment.cachedCollections(did: did)
    }

    public func head(did: String) async throws -> (cid: CID, rev: String)? {
        guard try await enrolled(did) else { return try await inner.head(did: did) }
        return try await enrollment.cachedHead(did: did)
    }

    public func blocks(did: String, cids: [CID]) async throws -> (found: [(cid: CID, bytes: [UInt8])], missing: [CID]) {
        guard try await enrolled(did) else { return try await inner.blocks(did: did, cids: cids) }
        return try await enrollment.cachedBlocks(did: did, cids: cids)
    }

    public func recordProof(did: String, collection: String, rkey: String) async throws -> [UInt8] {
        guard try await enrolled(did) else { return try await inner.recordProof(did: did, collection: collection, rkey: rkey) }
        return try await enrollment.cachedProof(did: did, collection: collection, rkey: rkey)
    }

    public func exportCAR(did: String, since: String?) async throws -> [UInt8] {
        guard try await enrolled(did) else { return try await inner.exportCAR(did: did, since: since) }
        do { try await enrollment.checkFullRepoRead(did: did) }
        catch let u as Enrollment.Unavailable { throw Self.unavailable(retryAfter: u.retryAfterSeconds, u.error, u.message) }
        return try await enrollment.cachedCAR(did: did, since: since)
    }
}
