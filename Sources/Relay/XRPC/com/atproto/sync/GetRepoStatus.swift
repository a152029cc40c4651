import Protocol

extension XRPCMethods {
    static let getRepoStatus = XRPCMethod("com.atproto.sync.getRepoStatus", .query) { request, env in
        let did = try request.requiredParam("did")
        guard let account = try await env.accounts.account(did: did) else {
            throw XRPCError.invalidRequest("Could not find repo for DID: \(did)", name: "RepoNotFound")
        }
        var out: [String: DataValue] = ["did": .string(did), "active": .bool(account.isActive)]
        if let status = account.status { out["status"] = .string(status) }
        if account.isActive, let head = try await RepoXRPC.host(env).head(did: did) { out["rev"] = .string(head.rev) }
        return RepoXRPC.json(out)
    }
}
