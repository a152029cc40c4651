/// Mints access/refresh pairs and records refresh tokens so they can be rotated and revoked.
public struct SessionIssuer: Sendable {
    static let accessLifetime = 2 * 60 * 60
    static let refreshLifetime = 90 * 24 * 60 * 60

    let jwt: SessionJWT
    let serviceDID: String
    let accounts: AccountStore

    public struct Tokens: Sendable { public let access: String; public let refresh: String }

    public func issue(did: String) async throws -> Tokens {
        let (tokens, id, expiresAt) = mint(did: did)
        try await accounts.storeRefreshToken(id: id, did: did, expiresAt: expiresAt)
        return tokens
    }

    /// Rotation: the presented refresh token is consumed; presenting it again fails.
    public func rotate(did: String, oldTokenID: String) async throws -> Tokens? {
        let (tokens, id, expiresAt) = mint(did: did)
        guard try await accounts.rotateRefreshToken(old: oldTokenID, new: id, did: did, expiresAt: expiresAt) else {
            return nil
        }
        return tokens
    }

    private func mint(did: String) -> (Tokens, String, Int) {
        let now = AuthVerifier.now()
        let id = Base64URL.encode(randomBytes(24))
        let access = jwt.sign(JWTClaims(scope: AuthVerifier.accessScope, sub: did, aud: serviceDID,
                                        iat: now, exp: now + Self.accessLifetime), type: AuthVerifier.accessType)
        let refresh = jwt.sign(JWTClaims(scope: AuthVerifier.refreshScope, sub: did, aud: serviceDID,
                                         iat: now, exp: now + Self.refreshLifetime, jti: id), type: AuthVerifier.refreshType)
        return (Tokens(access: access, refresh: refresh), id, now + Self.refreshLifetime)
    }
}
