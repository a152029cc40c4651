import Protocol

extension XRPCMethods {
    /// `com.atproto.sync.getRecord`: the record with its MST inclusion proof, as a CAR.
    static let syncGetRecord = XRPCMethod("com.atproto.sync.getRecord", .query) { request, env in
        let did = try request.requiredParam("did")
        let collection = try request.requiredParam("collection")
        let rkey = try request.requiredParam("rkey")
        _ = try await RepoXRPC.servedAccount(did, env: env, request: request)
        guard try await RepoXRPC.host(env).getRecord(did: did, collection: collection, rkey: rkey) != nil else {
            throw XRPCError.invalidRequest("Could not locate record: at://\(did)/\(collection)/\(rkey)", name: "RecordNotFound")
        }
        let car = try await RepoXRPC.host(env).recordProof(did: did, collection: collection, rkey: rkey)
        return .bytes(car, contentType: "application/vnd.ipld.car")
    }
}
