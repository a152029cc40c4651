extension XRPCMethods {
    /// Revokes the presented refresh token; the access tokens it minted run out on their own (2h),
    /// as with the reference PDS.
    static let deleteSession = XRPCMethod("com.atproto.server.deleteSession", .procedure) { request, env in
        let auth = try env.auth.refresh(request)
        try await env.accounts.revokeRefreshToken(id: auth.tokenID)
        return .empty
    }
}
