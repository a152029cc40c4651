import Crypto
import Foundation

/// The claims of our session tokens, named as the reference PDS names them.
public struct JWTClaims: Codable, Sendable, Equatable {
    public var scope: String
    public var sub: String
    public var aud: String
    public var iat: Int
    public var exp: Int
    public var jti: String?

    public init(scope: String, sub: String, aud: String, iat: Int, exp: Int, jti: String? = nil) {
        self.scope = scope
        self.sub = sub
        self.aud = aud
        self.iat = iat
        self.exp = exp
        self.jti = jti
    }
}

/// HS256 session JWTs (access `at+jwt`, refresh `refresh+jwt`), keyed by `PDS_JWT_SECRET`.
public struct SessionJWT: Sendable {
    private let key: SymmetricKey
    private let verified = VerifiedTokenCache()

    public init(secret: String) {
        key = SymmetricKey(data: Array(secret.utf8))
    }

    public func sign(_ claims: JWTClaims, type: String) -> String {
        let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"\#(type)"}"#.utf8))
        let payload = Base64URL.encode(Array((try? JSONEncoder.xrpc.encode(claims)) ?? Data()))
        let input = header + "." + payload
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: key)
        return input + "." + Base64URL.encode(Array(mac))
    }

    /// Checks signature, type and expiry; a token that is well-signed but expired is `ExpiredToken`.
    public func verify(_ token: String, type: String, now: Int) throws(XRPCError) -> JWTClaims {
        if let claims = verified.claims(token, type: type) {
            guard claims.exp > now else { throw XRPCError.expiredToken() }
            return claims
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64URL.decode(parts[0]),
              let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]) else {
            throw XRPCError.invalidToken("Malformed token")
        }
        let input = Array((parts[0] + "." + parts[1]).utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: key) else {
            throw XRPCError.invalidToken("Token could not be verified")
        }
        guard let header = try? JSONDecoder().decode([String: String].self, from: Data(headerBytes)),
              header["alg"] == "HS256", header["typ"] == type else {
            throw XRPCError.invalidToken("Invalid token type")
        }
        guard let claims = try? JSONDecoder().decode(JWTClaims.self, from: Data(payloadBytes)) else {
            throw XRPCError.invalidToken("Malformed token claims")
        }
        guard claims.exp > now else { throw XRPCError.expiredToken() }
        verified.insert(token, type: type, claims)
        return claims
    }
}
