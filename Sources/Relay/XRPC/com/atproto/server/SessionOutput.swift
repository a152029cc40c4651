/// The session shape createAccount/createSession/refreshSession/getSession share (tokens optional
/// because getSession has none).
struct SessionOutput: Encodable, Sendable {
    var accessJwt: String?
    var refreshJwt: String?
    var handle: String
    var did: String
    var email: String?
    var emailConfirmed: Bool?
    var active: Bool
    var status: String?

    init(account: Account, tokens: SessionIssuer.Tokens?) {
        accessJwt = tokens?.access
        refreshJwt = tokens?.refresh
        handle = account.handle
        did = account.did
        email = account.email
        emailConfirmed = account.email == nil ? nil : false
        active = account.isActive
        status = account.status
    }
}
