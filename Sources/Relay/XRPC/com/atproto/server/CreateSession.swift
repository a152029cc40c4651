extension XRPCMethods {
    static let createSession = XRPCMethod("com.atproto.server.createSession", .procedure) { request, env in
        struct Input: Decodable {
            let identifier: String
            let password: String
        }
        let input = try request.decodeInput(Input.self)
        // One message for unknown user and wrong password: no account enumeration.
        guard let account = try await env.accounts.find(identifier: input.identifier),
              PasswordHasher.verify(input.password, stored: account.passwordScrypt) else {
            throw XRPCError.authenticationRequired("Invalid identifier or password")
        }
        let tokens = try await env.sessions.issue(did: account.did)
        return .json(SessionOutput(account: account, tokens: tokens))
    }
}
