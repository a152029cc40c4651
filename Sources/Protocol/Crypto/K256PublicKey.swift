import CSecp256k1
import Crypto

/// A secp256k1 public key, verified through libsecp256k1.
public struct K256PublicKey: PublicKey, Hashable {
    public let compressed: [UInt8]
    /// Parsed once: decompressing the point costs a square root on every verify otherwise.
    private let point: secp256k1_pubkey
    public var curve: KeyCurve { .k256 }

    /// Accepts a SEC1 compressed point (33 bytes) that lies on the curve.
    public init(compressed: [UInt8]) throws(KeyError) {
        guard compressed.count == 33, compressed[0] == 0x02 || compressed[0] == 0x03 else {
            throw .invalidPublicKey(.k256, "expected a 33-byte compressed point, got \(compressed.count) bytes")
        }
        guard let point = Self.parse(compressed) else {
            throw .invalidPublicKey(.k256, "point is not on the curve")
        }
        self.compressed = compressed
        self.point = point
    }

    init(compressed: [UInt8], point: secp256k1_pubkey) {
        self.compressed = compressed
        self.point = point
    }

    public static func == (a: K256PublicKey, b: K256PublicKey) -> Bool { a.compressed == b.compressed }
    public func hash(into hasher: inout Hasher) { hasher.combine(compressed) }

    public func verify(signature: [UInt8], for message: [UInt8]) -> Bool {
        // Compact r||s only: DER and other lengths are not atproto signatures.
        guard signature.count == 64 else { return false }
        var key = point
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(ctx, &sig, signature) == 1 else { return false }
        let digest = Array(SHA256.hash(data: message))
        // libsecp256k1's verify fails on high-S by design, which is exactly the atproto rule.
        return secp256k1_ecdsa_verify(ctx, &sig, digest, &key) == 1
    }

    static func parse(_ bytes: [UInt8]) -> secp256k1_pubkey? {
        var key = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &key, bytes, bytes.count) == 1 else {
            return nil
        }
        return key
    }
}
