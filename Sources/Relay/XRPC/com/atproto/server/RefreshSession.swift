extension XRPCMethods {
    static let refreshSession = XRPCMethod("com.atproto.server.refreshSession", .procedure) { request, env in
        let auth = try env.auth.refresh(request)
        guard let account = try await env.accounts.account(did: auth.did) else {
            throw XRPCError.invalidRequest("Could not find user info for account: \(auth.did)")
        }
        guard let tokens = try await env.sessions.rotate(did: auth.did, oldTokenID: auth.tokenID) else {
            throw XRPCError.invalidToken("Token has been revoked")
        }
        return .json(SessionOutput(account: account, tokens: tokens))
    }
}
