extension XRPCMethods {
    static let deactivateAccount = XRPCMethod("com.atproto.server.deactivateAccount", .procedure) { request, env in
        let auth = try env.auth.access(request)
        guard let account = try await env.accounts.account(did: auth.did) else {
            throw XRPCError.invalidRequest("Account not found", name: "RepoNotFound")
        }
        if account.isActive {
            try await env.accounts.setDeactivated(did: auth.did, at: Timestamp.now())
            try env.sequencer.accountEvent(did: auth.did, active: false, status: "deactivated")
        }
        return .empty
    }
}
