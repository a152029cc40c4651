extension XRPCMethods {
    static let activateAccount = XRPCMethod("com.atproto.server.activateAccount", .procedure) { request, env in
        let auth = try env.auth.access(request)
        guard let account = try await env.accounts.account(did: auth.did) else {
            throw XRPCError.invalidRequest("Account not found", name: "RepoNotFound")
        }
        if !account.isActive {
            try await env.accounts.setDeactivated(did: auth.did, at: nil)
            try env.sequencer.identityEvent(did: auth.did, handle: account.handle)
            try env.sequencer.accountEvent(did: auth.did, active: true, status: nil)
            if let repo = env.repo { try await env.sequencer.syncHead(did: auth.did, repo: repo) }
        }
        return .empty
    }
}
