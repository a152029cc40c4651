extension XRPCMethods {
    /// Handles hosted here from account.sqlite; others by DNS TXT `_atproto.<handle>`, then HTTPS `.well-known`.
    static let resolveHandle = XRPCMethod("com.atproto.identity.resolveHandle", .query) { request, env in
        struct Output: Encodable, Sendable { let did: String }
        let handle = try request.requiredParam("handle").lowercased()
        guard HandleRules.isValidSyntax(handle) else {
            throw XRPCError.invalidRequest("Invalid handle: \(handle)")
        }
        if let account = try await env.accounts.account(handle: handle) {
            return .json(Output(did: account.did))
        }
        let ours = env.config.serviceHandleDomains.contains(where: { handle.hasSuffix($0) })
        guard !ours, let did = try await HandleResolution.resolveExternal(handle, dns: env.dns) else {
            throw XRPCError.invalidRequest("Unable to resolve handle", name: "HandleNotFound")
        }
        return .json(Output(did: did))
    }
}
