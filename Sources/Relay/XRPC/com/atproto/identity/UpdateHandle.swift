import Protocol

extension XRPCMethods {
    /// New handle: under our domains it must be free; elsewhere it must already resolve to the
    /// account's DID. did:plc accounts get a PLC op signed by our rotation key; all get `#identity`.
    static let updateHandle = XRPCMethod("com.atproto.identity.updateHandle", .procedure) { request, env in
        struct Input: Decodable { let handle: String }
        let auth = try env.auth.access(request)
        let handle = try request.decodeInput(Input.self).handle.lowercased()
        guard HandleRules.isValidSyntax(handle) else { throw XRPCError.invalidRequest("Invalid handle", name: "InvalidHandle") }
        if env.config.serviceHandleDomains.contains(where: { handle.hasSuffix($0) }) {
            if let problem = HandleRules.checkServiceHandle(handle, domains: env.config.serviceHandleDomains) { throw problem }
        } else if try await HandleResolution.resolveExternal(handle, dns: env.dns) != auth.did {
            throw XRPCError.invalidRequest("External handle did not resolve to DID", name: "InvalidHandle")
        }
        do {
            try await env.accounts.setHandle(did: auth.did, handle: handle)
        } catch AccountStore.HandleError.handleTaken {
            throw XRPCError.invalidRequest("Handle already taken: \(handle)", name: "HandleNotAvailable")
        }
        if auth.did.hasPrefix("did:plc:") {
            do {
                _ = try await env.registrar.update(did: auth.did) { $0.updated(prev: nil, handle: handle) }
            } catch let failure as PLCDirectoryClient.Failure {
                throw XRPCError.invalidRequest("PLC directory refused the handle update: \(failure)")
            }
        }
        try env.sequencer.identityEvent(did: auth.did, handle: handle)
        return .empty
    }
}
