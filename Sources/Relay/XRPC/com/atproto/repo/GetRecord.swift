import Protocol

extension XRPCMethods {
    static let getRecord = XRPCMethod("com.atproto.repo.getRecord", .query) { request, env in
        let did = try await RepoXRPC.resolve(try request.requiredParam("repo"), env: env)
        let collection = try request.requiredParam("collection")
        let rkey = try request.requiredParam("rkey")
        let wanted = try RepoXRPC.cid(request.param("cid"), "cid")
        guard let found = try await RepoXRPC.host(env).getRecord(did: did, collection: collection, rkey: rkey),
              wanted == nil || wanted == found.cid else {
            throw XRPCError.invalidRequest("Could not locate record: \(RepoXRPC.uri(did, collection, rkey))", name: "RecordNotFound")
        }
        return RepoXRPC.json(["uri": .string(RepoXRPC.uri(did, collection, rkey)), "cid": .string(found.cid.description),
                              "value": found.value])
    }
}
