extension RepoXRPC {
    /// The hosted account behind a sync call's `did`, refusing repos not being served: the sync
    /// lexicons' RepoNotFound / RepoDeactivated. As in the reference PDS, the account itself (its
    /// access token) and the admin may still read a deactivated repo, e.g. while migrating.
    static func servedAccount(_ did: String, env: RelayEnvironment, request: XRPCRequest? = nil) async throws -> Account {
        guard let account = try await env.accounts.account(did: did) else {
            throw XRPCError.invalidRequest("Could not find repo for DID: \(did)", name: "RepoNotFound")
        }
        if !account.isActive {
            let isSelfOrAdmin = request.map { env.auth.isAdmin($0) || (try? env.auth.access($0))?.did == did } ?? false
            guard isSelfOrAdmin else { throw XRPCError.invalidRequest("Repo has been deactivated: \(did)", name: "RepoDeactivated") }
        }
        return account
    }
}
