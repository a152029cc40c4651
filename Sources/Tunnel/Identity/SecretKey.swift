import Crypto
import Foundation

/// The endpoint's identity: an Ed25519 key whose 32-byte seed is the iroh secret key.
public struct SecretKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    public init() { key = Curve25519.Signing.PrivateKey() }

    public init(seed: [UInt8]) throws {
        guard seed.count == 32 else { throw TunnelError.invalidArgument("secret key must be 32 bytes, got \(seed.count)") }
        key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
    }

    public var seed: [UInt8] { Array(key.rawRepresentation) }
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }
    public var endpointId: EndpointId { try! EndpointId(bytes: publicKey) }

    /// Loads the key file (64 hex characters, the iroh secret key), or creates it with mode 0600
    /// on first use. A file with other content is an error, never silently replaced.
    public static func loadOrCreate(path: String) throws -> SecretKey {
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TunnelError.invalidArgument("cannot read key file \(path)")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let seed = Hex.decode(text), seed.count == 32 else {
                throw TunnelError.invalidArgument("key file \(path) must hold 64 hex characters")
            }
            return try SecretKey(seed: seed)
        }
        let key = SecretKey()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw TunnelError.socket("open(\(path))", errno: errno) }
        defer { close(fd) }
        let text = Array((Hex.encode(key.seed) + "\n").utf8)
        guard write(fd, text, text.count) == text.count else { throw TunnelError.socket("write(\(path))", errno: errno) }
        return key
    }
}
