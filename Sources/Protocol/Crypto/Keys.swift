/// The two curves atproto allows for repo signing and DID documents.
public enum KeyCurve: Sendable, Hashable, CustomStringConvertible {
    /// secp256k1 ("K-256", JWT alg `ES256K`).
    case k256
    /// NIST P-256 / secp256r1 (JWT alg `ES256`).
    case p256

    public var jwtAlgorithm: String {
        switch self {
        case .k256: return "ES256K"
        case .p256: return "ES256"
        }
    }

    public var description: String {
        switch self {
        case .k256: return "K-256"
        case .p256: return "P-256"
        }
    }
}

/// A public key that checks atproto signatures: sha256 of the message, 64-byte compact r||s, low-S only.
public protocol PublicKey: Sendable, CustomStringConvertible {
    var curve: KeyCurve { get }
    /// SEC1 compressed point, 33 bytes.
    var compressed: [UInt8] { get }
    var didKey: String { get }
    /// False for anything but a valid low-S compact signature over sha256(message); never throws.
    func verify(signature: [UInt8], for message: [UInt8]) -> Bool
}

extension PublicKey {
    public var didKey: String { DIDKey.encode(self) }
    public var description: String { didKey }
}

/// A private key that signs atproto data. Its description never shows the secret.
public protocol SigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var publicKey: any PublicKey { get }
    /// Signs sha256(message); the result is always 64-byte compact r||s with low S.
    func sign(_ message: [UInt8]) throws -> [UInt8]
    /// The 32-byte secret scalar. Handle with care.
    var rawRepresentation: [UInt8] { get }
}

extension SigningKey {
    public var description: String { "\(publicKey.curve) signing key \(publicKey.didKey) (secret redacted)" }
    public var debugDescription: String { description }
    /// Keeps `dump` and debuggers from walking into the stored secret.
    public var customMirror: Mirror { Mirror(self, children: ["publicKey": publicKey.didKey], displayStyle: .struct) }
}

/// Why a key or signature operation failed.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidPrivateKey(KeyCurve, String)
    case invalidPublicKey(KeyCurve, String)
    case signingFailed(KeyCurve)

    public var description: String {
        switch self {
        case .invalidPrivateKey(let c, let why): return "invalid \(c) private key: \(why)"
        case .invalidPublicKey(let c, let why): return "invalid \(c) public key: \(why)"
        case .signingFailed(let c): return "\(c) signing failed"
        }
    }
}
