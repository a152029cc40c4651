import Protocol

extension XRPCMethods {
    /// An ES256K JWT signed by the account's own key, for another service to authenticate the user.
    static let getServiceAuth = XRPCMethod("com.atproto.server.getServiceAuth", .query) { request, env in
        struct Output: Encodable, Sendable { let token: String }
        let auth = try env.auth.access(request)
        let aud = try request.requiredParam("aud")
        let now = AuthVerifier.now()
        var exp = now + 60
        if let raw = request.param("exp") {
            guard let requested = Int(raw) else { throw XRPCError.invalidRequest("exp must be an integer") }
            // The reference PDS caps non-method-bound tokens at an hour.
            guard requested > now, requested <= now + 3600 else {
                throw XRPCError.invalidRequest("expiration must be in the future and at most an hour away", name: "BadExpiration")
            }
            exp = requested
        }
        let lxm = request.param("lxm")
        if let lxm, !NSID.isValid(lxm) { throw XRPCError.invalidRequest("Invalid lxm: \(lxm)") }
        guard let key = try await env.keys.signingKey(did: auth.did) else {
            throw XRPCError.internalError("No signing key for \(auth.did)")
        }
        return .json(Output(token: try ServiceJWT.sign(iss: auth.did, aud: aud, lxm: lxm, iat: now, exp: exp, key: key)))
    }
}
