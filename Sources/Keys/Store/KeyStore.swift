/// Where a peer keeps its secrets at rest: the relay's own keys, the device's keys, the wallet's
/// share of the rotation key. Names are short identifiers (`[A-Za-z0-9._-]`, no leading dot).
public protocol KeyStore: Sendable {
    func store(_ secret: SecretBytes, name: String) throws(KeyStoreError)
    func load(name: String) throws(KeyStoreError) -> SecretBytes?
    func delete(name: String) throws(KeyStoreError)
    func names() throws(KeyStoreError) -> [String]
}

public enum KeyStoreError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    /// Authentication of a stored key failed: wrong passphrase or key file, or the file was altered.
    case cannotDecrypt(name: String)
    case corrupt(name: String, reason: String)
    case io(path: String, reason: String)
    case insecurePermissions(path: String, mode: String)
    case kdf(String)
    case unavailable(String)

    public var description: String {
        switch self {
        case .invalidName(let name): return "invalid key name \"\(name)\""
        case .cannotDecrypt(let name): return "cannot decrypt key \"\(name)\": wrong passphrase or key file, or the file was altered"
        case .corrupt(let name, let reason): return "stored key \"\(name)\" is corrupt: \(reason)"
        case .io(let path, let reason): return "key store I/O failed at \(path): \(reason)"
        case .insecurePermissions(let path, let mode): return "\(path) has mode \(mode); expected owner-only access"
        case .kdf(let reason): return "key derivation failed: \(reason)"
        case .unavailable(let reason): return "key store unavailable: \(reason)"
        }
    }
}

extension KeyStore {
    static func validate(name: String) throws(KeyStoreError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard allowed, !name.isEmpty, !name.hasPrefix("."), name.utf8.count <= 128 else {
            throw .invalidName(name)
        }
    }
}
