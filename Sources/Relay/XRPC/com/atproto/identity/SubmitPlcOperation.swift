import Protocol

extension XRPCMethods {
    /// A PLC op the user had signed (e.g. by a recovery key or a previous host): it must keep this
    /// server as the PDS and the account's signing key, verify against the log, then is forwarded.
    static let submitPlcOperation = XRPCMethod("com.atproto.identity.submitPlcOperation", .procedure) { request, env in
        let auth = try env.auth.access(request)
        guard auth.did.hasPrefix("did:plc:") else { throw XRPCError.invalidRequest("Not a did:plc account") }
        let body: DataValue
        do { body = try DataModelJSON.decode(request.body) } catch { throw XRPCError.invalidRequest("Input is not valid JSON") }
        guard let raw = body["operation"] else { throw XRPCError.invalidRequest("Input must have the property \"operation\"") }
        let op: PLCSignedOperation
        do { op = try PLCSignedOperation(dataValue: raw) } catch { throw XRPCError.invalidRequest("\(error)") }
        if let state = op.op.state {
            guard state.pdsEndpoint == env.config.publicURL else {
                throw XRPCError.invalidRequest("Incorrect endpoint on atproto_pds service")
            }
            let key = try await env.keys.signingKey(did: auth.did)
            guard state.atprotoSigningKey == key?.publicKey.didKey else {
                throw XRPCError.invalidRequest("Incorrect signing key")
            }
        }
        do {
            try await env.registrar.submit(did: auth.did, op)
        } catch let error as PLCError {
            throw XRPCError.invalidRequest("Invalid operation: \(error)")
        } catch let failure as PLCDirectoryClient.Failure {
            throw XRPCError.invalidRequest("\(failure)")
        }
        let account = try await env.accounts.account(did: auth.did)
        try env.sequencer.identityEvent(did: auth.did, handle: account?.handle)
        return .empty
    }
}
