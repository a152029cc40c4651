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
            if let repo = env.repo, let head = try await repo.head(did: auth.did),
               let block = try await repo.blocks(did: auth.did, cids: [head.cid]).found.first {
                try env.sequencer.syncEvent(did: auth.did, commit: head.cid, commitBytes: block.bytes, rev: head.rev)
            }
        }
        return .empty
    }
}
