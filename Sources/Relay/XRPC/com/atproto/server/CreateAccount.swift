import Protocol

extension XRPCMethods {
    static let createAccount = XRPCMethod("com.atproto.server.createAccount", .procedure) { request, env in
        struct Input: Decodable {
            let handle: String
            let email: String?
            let password: String?
            let inviteCode: String?
            let did: String?
            let recoveryKey: String?
        }
        let input = try request.decodeInput(Input.self)
        let handle = input.handle.lowercased()
        if input.did != nil {
            throw XRPCError.invalidRequest("Importing an existing DID is not supported yet", name: "IncompatibleDidDoc")
        }
        guard let password = input.password, !password.isEmpty else {
            throw XRPCError.invalidRequest("Password is required", name: "InvalidPassword")
        }
        if env.config.inviteRequired, input.inviteCode == nil {
            throw XRPCError.invalidRequest("No invite code provided", name: "InvalidInviteCode")
        }
        if let problem = HandleRules.checkServiceHandle(handle, domains: env.config.serviceHandleDomains) {
            throw problem
        }
        if try await env.accounts.account(handle: handle) != nil {
            throw XRPCError.invalidRequest("Handle already taken: \(handle)", name: "HandleNotAvailable")
        }
        if let recoveryKey = input.recoveryKey, (try? DIDKey.parse(recoveryKey)) == nil {
            throw XRPCError.invalidRequest("Invalid recoveryKey: not a K-256 or P-256 did:key")
        }
        let signingKey = K256SigningKey()
        let did: String
        do {
            did = try await env.registrar.register(handle: handle, signingKey: signingKey.publicKey,
                                                   recoveryKey: input.recoveryKey, serviceEndpoint: env.config.publicURL)
        } catch let failure as PLCDirectoryClient.Failure {
            throw XRPCError.invalidRequest("Could not publish the new DID: \(failure)", name: "InvalidRequest")
        } catch let failure as IdentityHTTP.Failure {
            throw XRPCError.invalidRequest("Could not reach the PLC directory: \(failure)", name: "InvalidRequest")
        }
        let account = Account(did: did, handle: handle, email: input.email?.lowercased(),
                              passwordScrypt: try PasswordHasher.hash(password),
                              createdAt: Timestamp.now(), deactivatedAt: nil)
        do {
            try await env.accounts.create(account, inviteCode: env.config.inviteRequired ? input.inviteCode : nil)
        } catch AccountStore.CreateError.handleTaken {
            throw XRPCError.invalidRequest("Handle already taken: \(handle)", name: "HandleNotAvailable")
        } catch AccountStore.CreateError.emailTaken {
            throw XRPCError.invalidRequest("Email already taken")
        } catch AccountStore.CreateError.invalidInviteCode {
            throw XRPCError.invalidRequest("Provided invite code not available", name: "InvalidInviteCode")
        }
        try await env.keys.keep(signingKey, did: did)
        if let repo = env.repo {
            let commit = try await repo.createRepo(did: did)
            try env.sequencer.identityEvent(did: did, handle: handle)
            try env.sequencer.accountEvent(did: did, active: true, status: nil)
            try env.sequencer.commitEvent(commit)
        } else {
            try env.sequencer.identityEvent(did: did, handle: handle)
            try env.sequencer.accountEvent(did: did, active: true, status: nil)
        }
        let tokens = try await env.sessions.issue(did: did)
        return .json(SessionOutput(account: account, tokens: tokens))
    }
}
