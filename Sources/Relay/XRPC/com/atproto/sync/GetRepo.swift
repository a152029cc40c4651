import Protocol

extension XRPCMethods {
    static let getRepo = XRPCMethod("com.atproto.sync.getRepo", .query) { request, env in
        let did = try request.requiredParam("did")
        _ = try await RepoXRPC.servedAccount(did, env: env, request: request)
        let car = try await RepoXRPC.host(env).exportCAR(did: did, since: request.param("since"))
        return .bytes(car, contentType: "application/vnd.ipld.car")
    }
}
