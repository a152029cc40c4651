import Protocol
import Repo

/// Reads of enrolled accounts, served from the relay's signed cache in every mode (issue 7).
extension Enrollment {
    func cachedRecord(did: String, collection: String, rkey: String) throws -> (cid: CID, value: DataValue)? {
        let (repo, storage) = try cache.repository(did)
        guard let cid = try repo.record(collection: collection, rkey: rkey), let bytes = try storage.block(cid) else { return nil }
        return (cid, try DAGCBOR.decode(bytes))
    }

    func cachedRecords(did: String, collection: String, limit: Int, cursor: String?, reverse: Bool) throws
        -> [(rkey: String, cid: CID, value: DataValue)] {
        let (_, storage) = try cache.repository(did)
        return try storage.listRecords(collection: collection, cursor: cursor, limit: limit, reverse: reverse).compactMap { e in
            guard let bytes = try storage.block(e.cid) else { return nil }
            return (e.rkey, e.cid, try DAGCBOR.decode(bytes))
        }
    }

    func cachedCollections(did: String) throws -> [String] { try cache.repository(did).storage.collections() }

    func cachedHead(did: String) throws -> (cid: CID, rev: String)? {
        guard let h = try cache.head(did) else { return nil }
        return (h.commit, h.rev)
    }

    func cachedProof(did: String, collection: String, rkey: String) throws -> [UInt8] {
        let (repo, storage) = try cache.repository(did)
        return try RepoReads.recordProof(repo, storage, collection: collection, rkey: rkey)
    }

    func cachedBlocks(did: String, cids: [CID]) throws -> (found: [(cid: CID, bytes: [UInt8])], missing: [CID]) {
        try RepoReads.blocks(cids, in: try cache.repository(did).storage)
    }

    func cachedCAR(did: String, since: String?) throws -> [UInt8] {
        var out: [UInt8] = []
        try cache.repository(did).repo.exportCAR(since: since) { out.append(contentsOf: $0) }
        return out
    }
}
