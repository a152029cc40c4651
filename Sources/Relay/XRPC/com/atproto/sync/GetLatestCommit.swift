import Protocol

extension XRPCMethods {
    static let getLatestCommit = XRPCMethod("com.atproto.sync.getLatestCommit", .query) { request, env in
        let did = try request.requiredParam("did")
        _ = try await RepoXRPC.servedAccount(did, env: env, request: request)
        guard let head = try await RepoXRPC.host(env).head(did: did) else {
            throw XRPCError.invalidRequest("Could not find root for DID: \(did)", name: "RepoNotFound")
        }
        return RepoXRPC.json(["cid": .string(head.cid.description), "rev": .string(head.rev)])
    }
}
