extension RepoXRPC {
    /// The hosted account behind a sync call's `did`, refusing repos not being served: the sync
    /// lexicons' RepoNotFound / RepoDeactivated.
    static func servedAccount(_ did: String, env: RelayEnvironment) async throws -> Account {
        guard let account = try await env.accounts.account(did: did) else {
            throw XRPCError.invalidRequest("Could not find repo for DID: \(did)", name: "RepoNotFound")
        }
        guard account.isActive else { throw XRPCError.invalidRequest("Repo has been deactivated: \(did)", name: "RepoDeactivated") }
        return account
    }
}
