import Crypto

/// A NIST P-256 public key, verified through swift-crypto.
public struct P256PublicKey: PublicKey, Hashable {
    public let compressed: [UInt8]
    /// Parsed once: decompressing the point on every verify would cost a square root each time.
    private let key: P256.Signing.PublicKey
    public var curve: KeyCurve { .p256 }

    /// Accepts a SEC1 compressed point (33 bytes) that lies on the curve.
    public init(compressed: [UInt8]) throws(KeyError) {
        guard compressed.count == 33, compressed[0] == 0x02 || compressed[0] == 0x03 else {
            throw .invalidPublicKey(.p256, "expected a 33-byte compressed point, got \(compressed.count) bytes")
        }
        guard let key = try? P256.Signing.PublicKey(compressedRepresentation: compressed) else {
            throw .invalidPublicKey(.p256, "point is not on the curve")
        }
        self.compressed = compressed
        self.key = key
    }

    init(_ key: P256.Signing.PublicKey) {
        self.compressed = Array(key.compressedRepresentation)
        self.key = key
    }

    public static func == (a: P256PublicKey, b: P256PublicKey) -> Bool { a.compressed == b.compressed }
    public func hash(into hasher: inout Hasher) { hasher.combine(compressed) }

    public func verify(signature: [UInt8], for message: [UInt8]) -> Bool {
        // swift-crypto accepts high-S, atproto does not: check it first. Compact r||s only.
        guard signature.count == 64, P256Order.isLowS(signature[32...]) else { return false }
        guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(sig, for: message)
    }
}
