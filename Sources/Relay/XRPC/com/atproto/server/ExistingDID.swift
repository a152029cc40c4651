import Protocol

/// createAccount with an existing `did`, as the reference PDS allows: the caller proves control
/// with a service-auth JWT (aud = our service DID, lxm = createAccount) signed by the key in the
/// DID's current document, and the account starts deactivated (migration in). A did:web whose
/// document already names this server as its PDS is proof enough and starts active.
enum ExistingDID {
    struct Accepted {
        let did: String
        let migrating: Bool
    }

    static func check(_ did: String?, request: XRPCRequest, env: RelayEnvironment) async throws -> Accepted? {
        guard let did else { return nil }
        guard (try? DID(did)) != nil, did.hasPrefix("did:plc:") || did.hasPrefix("did:web:") else {
            throw XRPCError.invalidRequest("Unsupported DID: \(did)", name: "IncompatibleDidDoc")
        }
        if try await env.accounts.account(did: did) != nil {
            throw XRPCError.invalidRequest("DID already hosted here: \(did)", name: "AccountAlreadyExists")
        }
        let authorization = request.headers[.authorization]
        if did.hasPrefix("did:web:"), authorization == nil {
            let document: DIDDocument
            do { document = try await env.resolver.resolve(did) } catch {
                throw XRPCError.invalidRequest("Could not resolve \(did): \(error)", name: "UnresolvableDid")
            }
            guard document.pdsEndpoint == env.config.publicURL else {
                throw XRPCError.invalidRequest("DID document of \(did) does not name this server as its PDS", name: "IncompatibleDidDoc")
            }
            return Accepted(did: did, migrating: false)
        }
        let issuer = try await ServiceAuthCheck(resolver: env.resolver, audience: env.config.serviceDID)
            .verify(authorization, lxm: "com.atproto.server.createAccount")
        guard issuer == did else { throw XRPCError.authenticationRequired("Service auth was issued by \(issuer), not \(did)") }
        return Accepted(did: did, migrating: true)
    }
}

extension ExistingDID {
    /// A fresh did:plc; directory refusals and outages become clear 400s.
    static func registerNew(handle: String, signingKey: K256SigningKey, recoveryKey: String?, env: RelayEnvironment) async throws -> String {
        do {
            return try await env.registrar.register(handle: handle, signingKey: signingKey.publicKey,
                                                    recoveryKey: recoveryKey, serviceEndpoint: env.config.publicURL)
        } catch let failure as PLCDirectoryClient.Failure {
            throw XRPCError.invalidRequest("Could not publish the new DID: \(failure)")
        } catch let failure as IdentityHTTP.Failure {
            throw XRPCError.invalidRequest("Could not reach the PLC directory: \(failure)")
        }
    }
}
