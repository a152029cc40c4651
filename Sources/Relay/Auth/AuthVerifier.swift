import Foundation
import HTTPTypes

/// Who a request is from. Every endpoint asks this one type, so OAuth and app passwords slot in here.
public struct AuthVerifier: Sendable {
    public static let accessScope = "com.atproto.access"
    public static let refreshScope = "com.atproto.refresh"
    static let accessType = "at+jwt"
    static let refreshType = "refresh+jwt"

    public struct Access: Sendable { public let did: String; public let scope: String }
    public struct Refresh: Sendable { public let did: String; public let tokenID: String }

    let jwt: SessionJWT
    let serviceDID: String
    let adminPassword: String

    public init(jwtSecret: String, serviceDID: String, adminPassword: String) {
        jwt = SessionJWT(secret: jwtSecret)
        self.serviceDID = serviceDID
        self.adminPassword = adminPassword
    }

    public func access(_ request: XRPCRequest, now: Int = AuthVerifier.now()) throws(XRPCError) -> Access {
        let claims = try jwt.verify(try bearer(request), type: Self.accessType, now: now)
        guard claims.scope == Self.accessScope, claims.aud == serviceDID else { throw XRPCError.invalidToken("Bad token scope") }
        return Access(did: claims.sub, scope: claims.scope)
    }

    public func refresh(_ request: XRPCRequest, now: Int = AuthVerifier.now()) throws(XRPCError) -> Refresh {
        let claims = try jwt.verify(try bearer(request), type: Self.refreshType, now: now)
        guard claims.scope == Self.refreshScope, claims.aud == serviceDID, let id = claims.jti else {
            throw XRPCError.invalidToken("Bad token scope")
        }
        return Refresh(did: claims.sub, tokenID: id)
    }

    /// HTTP Basic with user `admin` and `PDS_ADMIN_PASSWORD`, as the reference PDS's admin routes.
    public func isAdmin(_ request: XRPCRequest) -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6))),
              let text = String(data: decoded, encoding: .utf8) else { return false }
        return text == "admin:" + adminPassword
    }

    private func bearer(_ request: XRPCRequest) throws(XRPCError) -> String {
        guard let header = request.headers[.authorization] else { throw XRPCError.authRequired() }
        guard header.hasPrefix("Bearer "), header.count > 7 else {
            throw XRPCError.authRequired("Unexpected authorization type")
        }
        return String(header.dropFirst(7))
    }

    public static func now() -> Int { Int(Date().timeIntervalSince1970) }
}
