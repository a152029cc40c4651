import Foundation
import Protocol

/// Verifies an inbound service-auth JWT (ES256K / ES256) against the signing key in the issuer's
/// CURRENT DID document: how an account proves, when migrating here, that it controls its DID.
struct ServiceAuthCheck {
    struct Claims: Decodable {
        let iss: String
        let aud: String
        let exp: Int
        let lxm: String?
    }

    let resolver: DIDResolver
    let audience: String

    /// The issuer DID once everything checks out; `XRPCError` (401) otherwise.
    func verify(_ authorization: String?, lxm: String, now: Int = Int(Date().timeIntervalSince1970)) async throws -> String {
        guard let authorization, authorization.hasPrefix("Bearer ") else {
            throw XRPCError.authRequired("Service auth (a JWT signed by the DID's key) is required")
        }
        let parts = authorization.dropFirst(7).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let payloadBytes = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]),
              let header = try? JSONDecoder().decode([String: String].self, from: Data(headerBytes)),
              let claims = try? JSONDecoder().decode(Claims.self, from: Data(payloadBytes)) else {
            throw XRPCError.authenticationRequired("Malformed service auth token")
        }
        guard claims.aud == audience else { throw XRPCError.authenticationRequired("Service auth audience is not \(audience)") }
        guard claims.lxm == lxm else { throw XRPCError.authenticationRequired("Service auth is not for \(lxm)") }
        guard claims.exp > now else { throw XRPCError.authenticationRequired("Service auth token has expired") }
        let issuer = String(claims.iss.prefix(while: { $0 != "#" }))
        let document: DIDDocument
        do { document = try await resolver.resolve(issuer) } catch {
            throw XRPCError.authenticationRequired("Could not resolve \(issuer): \(error)")
        }
        guard let key = document.atprotoKey else { throw XRPCError.authenticationRequired("\(issuer) has no atproto signing key") }
        guard header["alg"] == key.curve.jwtAlgorithm,
              key.verify(signature: signature, for: Array((parts[0] + "." + parts[1]).utf8)) else {
            throw XRPCError.authenticationRequired("Service auth signature does not verify against \(issuer)'s signing key")
        }
        return issuer
    }
}
