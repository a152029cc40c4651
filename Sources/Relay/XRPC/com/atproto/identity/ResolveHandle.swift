extension XRPCMethods {
    /// Handles hosted here; other domains' DNS/HTTPS resolution comes with the identity work.
    static let resolveHandle = XRPCMethod("com.atproto.identity.resolveHandle", .query) { request, env in
        struct Output: Encodable, Sendable { let did: String }
        let handle = try request.requiredParam("handle").lowercased()
        guard HandleRules.isValidSyntax(handle) else {
            throw XRPCError.invalidRequest("Invalid handle: \(handle)")
        }
        guard let account = try await env.accounts.account(handle: handle) else {
            throw XRPCError.invalidRequest("Unable to resolve handle", name: "HandleNotFound")
        }
        return .json(Output(did: account.did))
    }
}
