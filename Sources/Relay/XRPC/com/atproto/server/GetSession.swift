extension XRPCMethods {
    static let getSession = XRPCMethod("com.atproto.server.getSession", .query) { request, env in
        let auth = try env.auth.access(request)
        guard let account = try await env.accounts.account(did: auth.did) else {
            throw XRPCError.invalidRequest("Could not find user info for account: \(auth.did)")
        }
        return .json(SessionOutput(account: account, tokens: nil))
    }
}
