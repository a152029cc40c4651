extension RepoXRPC {
    /// The repo named by DID or handle, which must be the caller's own (else 401 AuthRequired, as the
    /// reference PDS answers) and active (401 AccountDeactivated, as its auth verifier answers).
    static func ownRepo(_ repo: String, auth: String, env: RelayEnvironment) async throws -> String {
        let account = repo.hasPrefix("did:") ? try await env.accounts.account(did: repo)
            : try await env.accounts.account(handle: repo.lowercased())
        guard let account else { throw XRPCError.invalidRequest("Could not find repo: \(repo)", name: "RepoNotFound") }
        guard account.did == auth else { throw XRPCError.authRequired("Cannot write to another account's repo") }
        guard account.isActive else { throw XRPCError(.unauthorized, "AccountDeactivated", "Account is deactivated") }
        return account.did
    }
}
