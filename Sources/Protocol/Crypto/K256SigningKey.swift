import CSecp256k1
import Crypto

/// A secp256k1 private key, signing through libsecp256k1 (RFC 6979 nonces, low-S output).
public struct K256SigningKey: SigningKey {
    public let rawRepresentation: [UInt8]
    private let publicK256: K256PublicKey

    public var publicKey: any PublicKey { publicK256 }

    /// A fresh random key.
    public init() {
        while true {
            let candidate = SystemRandom.bytes(32)
            if let key = try? K256SigningKey(rawRepresentation: candidate) {
                self = key
                return
            }
        }
    }

    /// A 32-byte secret scalar in [1, n-1].
    public init(rawRepresentation: [UInt8]) throws(KeyError) {
        guard rawRepresentation.count == 32 else {
            throw .invalidPrivateKey(.k256, "expected 32 bytes, got \(rawRepresentation.count)")
        }
        let ctx = Secp256k1Context.shared.pointer
        guard secp256k1_ec_seckey_verify(ctx, rawRepresentation) == 1 else {
            throw .invalidPrivateKey(.k256, "scalar is zero or not below the curve order")
        }
        var pub = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(ctx, &pub, rawRepresentation) == 1 else {
            throw .invalidPrivateKey(.k256, "could not derive the public key")
        }
        var out = [UInt8](repeating: 0, count: 33)
        var length = 33
        _ = secp256k1_ec_pubkey_serialize(ctx, &out, &length, &pub, UInt32(SECP256K1_EC_COMPRESSED))
        self.rawRepresentation = rawRepresentation
        self.publicK256 = K256PublicKey(compressed: out, point: pub)
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        let ctx = Secp256k1Context.shared.pointer
        let digest = SHA256.hash(data: message).withUnsafeBytes { Array($0) }
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_sign(ctx, &sig, digest, rawRepresentation, nil, nil) == 1 else {
            throw KeyError.signingFailed(.k256)
        }
        // Already low-S per the library's contract; normalizing costs nothing and makes it explicit.
        var lowS = secp256k1_ecdsa_signature()
        _ = secp256k1_ecdsa_signature_normalize(ctx, &lowS, &sig)
        var out = [UInt8](repeating: 0, count: 64)
        _ = secp256k1_ecdsa_signature_serialize_compact(ctx, &out, &lowS)
        return out
    }
}
