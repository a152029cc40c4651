import Protocol

extension XRPCMethods {
    static let describeRepo = XRPCMethod("com.atproto.repo.describeRepo", .query) { request, env in
        let did = try await RepoXRPC.resolve(try request.requiredParam("repo"), env: env)
        guard let account = try await env.accounts.account(did: did) else {
            throw XRPCError.invalidRequest("Could not find repo: \(did)", name: "RepoNotFound")
        }
        let collections = try await RepoXRPC.host(env).collections(did: did)
        var didDoc: [String: DataValue] = [
            "@context": .array([.string("https://www.w3.org/ns/did/v1"), .string("https://w3id.org/security/multikey/v1")]),
            "id": .string(did),
            "alsoKnownAs": .array([.string("at://\(account.handle)")]),
            "service": .array([.map(["id": .string("#atproto_pds"), "type": .string("AtprotoPersonalDataServer"),
                                     "serviceEndpoint": .string(env.config.publicURL)])]),
        ]
        // The signing key as the DID document publishes it, so clients can check commit signatures.
        if let key = try await env.keys.signingKey(did: did) {
            didDoc["verificationMethod"] = .array([.map([
                "id": .string("\(did)#atproto"), "type": .string("Multikey"), "controller": .string(did),
                "publicKeyMultibase": .string(DIDKey.multikey(key.publicKey)),
            ])])
        }
        return RepoXRPC.json(["handle": .string(account.handle), "did": .string(did), "didDoc": .map(didDoc),
                              "collections": .array(collections.map(DataValue.string)), "handleIsCorrect": .bool(true)])
    }
}
