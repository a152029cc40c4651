import Crypto

/// A NIST P-256 private key, signing through swift-crypto and normalizing to low-S.
public struct P256SigningKey: SigningKey {
    private let key: P256.Signing.PrivateKey
    private let publicP256: P256PublicKey

    public var publicKey: any PublicKey { publicP256 }
    public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }

    /// A fresh random key.
    public init() {
        self.init(key: P256.Signing.PrivateKey())
    }

    /// A 32-byte secret scalar in [1, n-1].
    public init(rawRepresentation: [UInt8]) throws(KeyError) {
        guard rawRepresentation.count == 32 else {
            throw .invalidPrivateKey(.p256, "expected 32 bytes, got \(rawRepresentation.count)")
        }
        guard let key = try? P256.Signing.PrivateKey(rawRepresentation: rawRepresentation) else {
            throw .invalidPrivateKey(.p256, "scalar is zero or not below the curve order")
        }
        self.init(key: key)
    }

    private init(key: P256.Signing.PrivateKey) {
        self.key = key
        self.publicP256 = P256PublicKey(key.publicKey)
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        // signature(for: Data) hashes with SHA-256 inside, as atproto requires.
        var raw = Array(try key.signature(for: message).rawRepresentation)
        P256Order.normalizeLowS(&raw)
        return raw
    }
}
