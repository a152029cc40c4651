extension XRPCMethods {
    static let checkAccountStatus = XRPCMethod("com.atproto.server.checkAccountStatus", .query) { request, env in
        struct Output: Encodable, Sendable {
            let activated: Bool
            let validDid: Bool
            let repoCommit: String
            let repoRev: String
            let repoBlocks: Int
            let indexedRecords: Int
            let privateStateValues: Int
            let expectedBlobs: Int
            let importedBlobs: Int
        }
        let auth = try env.auth.access(request)
        guard let account = try await env.accounts.account(did: auth.did) else {
            throw XRPCError.invalidRequest("Account not found", name: "RepoNotFound")
        }
        guard let repo = env.repo, let head = try await repo.head(did: auth.did) else {
            throw XRPCError.invalidRequest("Repo not found: \(auth.did)", name: "RepoNotFound")
        }
        // Block and record counts come with the repo engine adapter; zero until then.
        return .json(Output(activated: account.isActive, validDid: true, repoCommit: head.cid.string,
                            repoRev: head.rev, repoBlocks: 0, indexedRecords: 0, privateStateValues: 0,
                            expectedBlobs: 0, importedBlobs: 0))
    }
}
