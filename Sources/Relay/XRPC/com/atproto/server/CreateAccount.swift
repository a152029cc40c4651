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
        guard let password = input.password, !password.isEmpty else {
            throw XRPCError.invalidRequest("Password is required", name: "InvalidPassword")
        }
        if env.config.inviteRequired, input.inviteCode == nil {
            throw XRPCError.invalidRequest("No invite code provided", name: "InvalidInviteCode")
        }
        let underOurDomains = env.config.serviceHandleDomains.contains(where: { handle.hasSuffix($0) })
        if underOurDomains || input.did == nil || !HandleRules.isValidSyntax(handle) {
            if let problem = HandleRules.checkServiceHandle(handle, domains: env.config.serviceHandleDomains) { throw problem }
        } else if try await HandleResolution.resolveExternal(handle, dns: env.dns) != input.did {
            // As the reference PDS: a domain handle of its own is only for an existing DID it already names.
            throw XRPCError.invalidRequest("External handle did not resolve to DID", name: "InvalidHandle")
        }
        if try await env.accounts.account(handle: handle) != nil {
            throw XRPCError.invalidRequest("Handle already taken: \(handle)", name: "HandleNotAvailable")
        }
        if let recoveryKey = input.recoveryKey, (try? DIDKey.parse(recoveryKey)) == nil {
            throw XRPCError.invalidRequest("Invalid recoveryKey: not a K-256 or P-256 did:key")
        }
        let signingKey = K256SigningKey()
        let did: String
        // An existing DID: migrating in (deactivated until activateAccount) or a did:web naming us.
        let existing = try await ExistingDID.check(input.did, request: request, env: env)
        if let existing {
            did = existing.did
        } else {
            did = try await ExistingDID.registerNew(handle: handle, signingKey: signingKey, recoveryKey: input.recoveryKey, env: env)
        }
        let account = Account(did: did, handle: handle, email: input.email?.lowercased(),
                              passwordScrypt: try PasswordHasher.hash(password),
                              createdAt: Timestamp.now(), deactivatedAt: existing?.migrating == true ? Timestamp.now() : nil)
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
        if existing?.migrating == true {
            // Silent until activateAccount: the old host still serves this DID.
            _ = try await env.repo?.createRepo(did: did)
        } else if let repo = env.repo {
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
