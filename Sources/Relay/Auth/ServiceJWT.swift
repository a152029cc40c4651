import Foundation
import Protocol

/// Inter-service JWTs (atproto "service auth"): signed with the account's key, `alg` by its curve.
enum ServiceJWT {
    struct Claims: Encodable {
        let iss: String
        let aud: String
        let lxm: String?
        let iat: Int
        let exp: Int
        let jti: String
    }

    static func sign(iss: String, aud: String, lxm: String?, iat: Int, exp: Int, key: any SigningKey) throws -> String {
        let header = #"{"alg":"\#(key.publicKey.curve.jwtAlgorithm)","typ":"JWT"}"#
        let claims = Claims(iss: iss, aud: aud, lxm: lxm, iat: iat, exp: exp, jti: randomHex(16))
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(try JSONEncoder.xrpc.encode(claims)))
        return input + "." + Base64URL.encode(try key.sign(Array(input.utf8)))
    }
}
