import Protocol
import Repo

extension XRPCMethods {
    /// Migration in: a CAR of the account's repo, verified (signature against the key in the
    /// DID's current document or an earlier one of its verified PLC chain, so a CAR kept from a
    /// host that now refuses still imports; MST; every record present), then made this repo's content as one
    /// new commit signed by the account's key here, as the reference PDS does. The commit goes
    /// on the firehose; consumers act on it once activateAccount announces the account.
    static let importRepo = XRPCMethod("com.atproto.repo.importRepo", .procedure, bodyLimit: .blobUpload) { request, env in
        let auth = try env.auth.access(request)
        let host = try RepoXRPC.host(env)
        let keys: [any PublicKey]
        do { keys = try await env.resolver.signingKeyHistory(auth.did) } catch {
            throw XRPCError.invalidRequest("Could not resolve \(auth.did): \(error)")
        }
        guard !keys.isEmpty else { throw XRPCError.invalidRequest("DID document has no atproto signing key") }
        let summary: RepoSummary
        let blocks: [CID: [UInt8]]
        do {
            summary = try RepoVerifier.verify(car: request.body) { sig, message in
                keys.contains { $0.verify(signature: sig, for: message) }
            }
            blocks = try CARReader.load(request.body).blocks
        } catch {
            throw XRPCError.invalidRequest("Invalid repo CAR: \(error)")
        }
        guard summary.commit.did == auth.did else {
            throw XRPCError.invalidRequest("Repo is for \(summary.commit.did), not \(auth.did)")
        }
        var writes: [RepoWrite] = []
        var imported: Set<String> = []
        for record in summary.records {
            let parts = record.key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let bytes = blocks[record.cid] else { throw XRPCError.invalidRequest("Bad record \(record.key)") }
            let value: DataValue
            do { value = try DAGCBOR.decode(bytes) } catch { throw XRPCError.invalidRequest("Record \(record.key) is not DAG-CBOR") }
            imported.insert(record.key)
            if let current = try await host.getRecord(did: auth.did, collection: parts[0], rkey: parts[1]) {
                if current.cid != record.cid { writes.append(.update(collection: parts[0], rkey: parts[1], value: value, swapRecord: nil)) }
            } else {
                writes.append(.create(collection: parts[0], rkey: parts[1], value: value))
            }
        }
        for collection in try await host.collections(did: auth.did) {
            for entry in try await host.listRecords(did: auth.did, collection: collection, limit: Int.max, cursor: nil, reverse: false)
            where !imported.contains("\(collection)/\(entry.rkey)") {
                writes.append(.delete(collection: collection, rkey: entry.rkey, swapRecord: nil))
            }
        }
        if !writes.isEmpty {
            _ = try await host.apply(did: auth.did, writes: writes, swapCommit: nil, sequence: { commit in
                _ = try env.sequencer.commitEvent(commit)
            })
        }
        return .empty
    }
}
