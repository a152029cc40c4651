import Protocol

extension XRPCMethods {
    static let createRecord = XRPCMethod("com.atproto.repo.createRecord", .procedure) { request, env in
        let auth = try env.auth.access(request)
        let input = try RepoXRPC.body(request)
        let did = try await RepoXRPC.ownRepo(try RepoXRPC.string(input, "repo"), auth: auth.did, env: env)
        let collection = try RepoXRPC.string(input, "collection")
        let rkey = input["rkey"]?.stringValue ?? RepoXRPC.clock.next().string
        guard let record = input["record"], case .map = record else { throw XRPCError.invalidRequest("Input must have the property \"record\"") }
        let swapCommit = try RepoXRPC.cid(input["swapCommit"]?.stringValue, "swapCommit")
        // A record already at that key is refused (InvalidSwap) by the repo, under its writer lock.
        let commit = try await RepoXRPC.commit(env, did: did, writes: [.create(collection: collection, rkey: rkey, value: record)],
                                               swapCommit: swapCommit)
        let cid = commit.ops.first?.cid?.description ?? ""
        return RepoXRPC.json(["uri": .string(RepoXRPC.uri(did, collection, rkey)), "cid": .string(cid),
                              "commit": RepoXRPC.commitMeta(commit), "validationStatus": .string("unknown")])
    }
}
