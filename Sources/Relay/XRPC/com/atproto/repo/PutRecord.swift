import Protocol

extension XRPCMethods {
    static let putRecord = XRPCMethod("com.atproto.repo.putRecord", .procedure) { request, env in
        let auth = try env.auth.access(request)
        let input = try RepoXRPC.body(request)
        let did = try await RepoXRPC.ownRepo(try RepoXRPC.string(input, "repo"), auth: auth.did, env: env)
        let collection = try RepoXRPC.string(input, "collection")
        let rkey = try RepoXRPC.string(input, "rkey")
        guard let record = input["record"], case .map = record else { throw XRPCError.invalidRequest("Input must have the property \"record\"") }
        let swapCommit = try RepoXRPC.cid(input["swapCommit"]?.stringValue, "swapCommit")
        let status = try RepoXRPC.validationStatus(input["validate"], collection: collection, rkey: rkey, record: record)
        let current = try await RepoXRPC.host(env).getRecord(did: did, collection: collection, rkey: rkey)
        // swapRecord: null means "must not exist yet"; absent means no expectation.
        if let swap = input["swapRecord"] {
            let expected = try RepoXRPC.cid(swap.stringValue, "swapRecord")
            if expected != current?.cid {
                throw XRPCError.invalidRequest("Record was at \(current?.cid.description ?? "null")", name: "InvalidSwap")
            }
        }
        let write: RepoWrite = current == nil ? .create(collection: collection, rkey: rkey, value: record)
            : .update(collection: collection, rkey: rkey, value: record, swapRecord: current?.cid)
        let commit = try await RepoXRPC.commit(env, did: did, writes: [write], swapCommit: swapCommit)
        let cid = try await RepoXRPC.host(env).getRecord(did: did, collection: collection, rkey: rkey)?.cid
        return RepoXRPC.json(["uri": .string(RepoXRPC.uri(did, collection, rkey)), "cid": .string(cid?.description ?? ""),
                              "commit": RepoXRPC.commitMeta(commit), "validationStatus": .string(status)])
    }
}
