import Protocol

extension XRPCMethods {
    static let deleteRecord = XRPCMethod("com.atproto.repo.deleteRecord", .procedure) { request, env in
        let auth = try env.auth.access(request)
        let input = try RepoXRPC.body(request)
        let did = try await RepoXRPC.ownRepo(try RepoXRPC.string(input, "repo"), auth: auth.did, env: env)
        let collection = try RepoXRPC.string(input, "collection")
        let rkey = try RepoXRPC.string(input, "rkey")
        let swapRecord = try RepoXRPC.cid(input["swapRecord"]?.stringValue, "swapRecord")
        let swapCommit = try RepoXRPC.cid(input["swapCommit"]?.stringValue, "swapCommit")
        let current = try await RepoXRPC.host(env).getRecord(did: did, collection: collection, rkey: rkey)
        if let swapRecord, swapRecord != current?.cid {
            throw XRPCError.invalidRequest("Record was at \(current?.cid.description ?? "null")", name: "InvalidSwap")
        }
        // As the reference PDS: deleting what is not there succeeds without a commit.
        guard current != nil else { return RepoXRPC.json([:]) }
        let commit = try await RepoXRPC.commit(env, did: did, writes: [.delete(collection: collection, rkey: rkey, swapRecord: swapRecord)],
                                               swapCommit: swapCommit)
        return RepoXRPC.json(["commit": RepoXRPC.commitMeta(commit)])
    }
}
