import Protocol

extension XRPCMethods {
    /// What a did:plc op must say for this server to host the account (used when migrating in).
    static let getRecommendedDidCredentials = XRPCMethod("com.atproto.identity.getRecommendedDidCredentials", .query) { request, env in
        let auth = try env.auth.access(request)
        guard let account = try await env.accounts.account(did: auth.did),
              let key = try await env.keys.signingKey(did: auth.did) else {
            throw XRPCError.invalidRequest("Account not found", name: "AccountNotFound")
        }
        let output: DataValue = .map([
            "rotationKeys": .array([.string(env.registrar.rotationKeyDID)]),
            "alsoKnownAs": .array([.string("at://" + account.handle)]),
            "verificationMethods": .map(["atproto": .string(key.publicKey.didKey)]),
            "services": .map(["atproto_pds": .map(["type": .string("AtprotoPersonalDataServer"),
                                                   "endpoint": .string(env.config.publicURL)])]),
        ])
        return .bytes(DataModelJSON.encode(output), contentType: "application/json; charset=utf-8")
    }
}
