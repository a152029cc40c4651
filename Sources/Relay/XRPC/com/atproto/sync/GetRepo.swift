import Protocol

extension XRPCMethods {
    static let getRepo = XRPCMethod("com.atproto.sync.getRepo", .query) { request, env in
        let did = try request.requiredParam("did")
        guard try await env.accounts.account(did: did) != nil else {
            throw XRPCError.invalidRequest("Could not find repo for DID: \(did)", name: "RepoNotFound")
        }
        let car = try await RepoXRPC.host(env).exportCAR(did: did, since: request.param("since"))
        return .bytes(car, contentType: "application/vnd.ipld.car")
    }
}
