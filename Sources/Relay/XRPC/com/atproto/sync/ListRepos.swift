import Protocol

extension XRPCMethods {
    /// Every hosted repo with its head, in DID order; the cursor is the last DID of a page.
    static let listRepos = XRPCMethod("com.atproto.sync.listRepos", .query) { request, env in
        let limit = try request.intParam("limit", default: 500, range: 1...1000)
        let accounts = try await env.accounts.list(after: request.param("cursor"), limit: limit)
        var repos: [DataValue] = []
        for account in accounts {
            // An account whose repo is not there yet (mid-creation or mid-import) is not listed.
            guard let head = try await RepoXRPC.host(env).head(did: account.did) else { continue }
            var repo: [String: DataValue] = ["did": .string(account.did), "head": .string(head.cid.string),
                                             "rev": .string(head.rev), "active": .bool(account.isActive)]
            if let status = account.status { repo["status"] = .string(status) }
            repos.append(.map(repo))
        }
        var out: [String: DataValue] = ["repos": .array(repos)]
        if accounts.count == limit, let last = accounts.last { out["cursor"] = .string(last.did) }
        return RepoXRPC.json(out)
    }
}
