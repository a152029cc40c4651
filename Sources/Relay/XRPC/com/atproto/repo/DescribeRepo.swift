import Protocol

extension XRPCMethods {
    static let describeRepo = XRPCMethod("com.atproto.repo.describeRepo", .query) { request, env in
        let did = try await RepoXRPC.resolve(try request.requiredParam("repo"), env: env)
        guard let account = try await env.accounts.account(did: did) else {
            throw XRPCError.invalidRequest("Could not find repo: \(did)", name: "RepoNotFound")
        }
        let collections = try await RepoXRPC.host(env).collections(did: did)
        let didDoc: [String: DataValue] = [
            "@context": .array([.string("https://www.w3.org/ns/did/v1")]),
            "id": .string(did),
            "alsoKnownAs": .array([.string("at://\(account.handle)")]),
            "service": .array([.map(["id": .string("#atproto_pds"), "type": .string("AtprotoPersonalDataServer"),
                                     "serviceEndpoint": .string(env.config.publicURL)])]),
        ]
        return RepoXRPC.json(["handle": .string(account.handle), "did": .string(did), "didDoc": .map(didDoc),
                              "collections": .array(collections.map(DataValue.string)), "handleIsCorrect": .bool(true)])
    }
}
