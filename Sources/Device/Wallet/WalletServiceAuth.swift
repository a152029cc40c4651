import Foundation
import Protocol

/// An inter-service JWT (ES256K) signed by a key the wallet holds: what a new relay asks of
/// `createAccount` with an existing DID, to be sure the caller controls it.
enum WalletServiceAuth {
    static func token(iss: String, aud: String, lxm: String, key: K256SigningKey, lifetime: Int = 180) throws(WalletError) -> String {
        let now = Int(Date().timeIntervalSince1970)
        let header: [String: Any] = ["typ": "JWT", "alg": "ES256K"]
        var nonce = SystemRandomNumberGenerator()
        let payload: [String: Any] = ["iss": iss, "aud": aud, "lxm": lxm, "iat": now, "exp": now + lifetime,
                                      "jti": String(UInt64.random(in: .min ... .max, using: &nonce), radix: 16)]
        guard let h = try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]),
              let p = try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw .usage("cannot encode service auth token")
        }
        let input = Base64.encode(h, url: true, padded: false) + "." + Base64.encode(p, url: true, padded: false)
        let signature: [UInt8]
        do { signature = try key.sign(Array(input.utf8)) } catch { throw .usage("cannot sign service auth token") }
        return input + "." + Base64.encode(signature, url: true, padded: false)
    }
}
