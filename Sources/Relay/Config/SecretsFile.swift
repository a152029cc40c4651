import Foundation
import Keys

/// Secrets the embedded default generates on first start and keeps: encrypted in the relay's key
/// store (`<data>/keys/`, AES-GCM, files 0600 in a 0700 directory) under the unattended wrapping key
/// `<data>/relay.key` (0600), the same `FileKeyStore` the wallet and the desktop use. A
/// `secrets.json` left by an earlier version is moved into the store and removed.
struct SecretsFile: Codable, Sendable {
    var jwtSecret: String
    var plcRotationKeyHex: String
    var adminPassword: String

    private static let names = (jwt: "relay.jwt-secret", plc: "relay.plc-rotation-key", admin: "relay.admin-password")

    static func loadOrCreate(in dataDirectory: String) throws -> SecretsFile {
        let store = try keyStore(in: dataDirectory)
        if let jwt = try store.load(name: names.jwt), let plc = try store.load(name: names.plc),
           let admin = try store.load(name: names.admin) {
            return SecretsFile(jwtSecret: text(jwt), plcRotationKeyHex: text(plc), adminPassword: text(admin))
        }
        let legacy = (dataDirectory as NSString).appendingPathComponent("secrets.json")
        let secrets: SecretsFile
        if FileManager.default.fileExists(atPath: legacy) {
            guard let data = FileManager.default.contents(atPath: legacy),
                  let old = try? JSONDecoder().decode(SecretsFile.self, from: data) else {
                throw RelayConfigError.unreadableSecrets(legacy)
            }
            secrets = old
        } else {
            secrets = SecretsFile(
                jwtSecret: randomHex(32),
                // Any 32 random bytes are a valid secp256k1 scalar with overwhelming probability.
                plcRotationKeyHex: randomHex(32),
                adminPassword: randomHex(16)
            )
        }
        try store.store(SecretBytes(Array(secrets.jwtSecret.utf8)), name: names.jwt)
        try store.store(SecretBytes(Array(secrets.plcRotationKeyHex.utf8)), name: names.plc)
        try store.store(SecretBytes(Array(secrets.adminPassword.utf8)), name: names.admin)
        if FileManager.default.fileExists(atPath: legacy) { try FileManager.default.removeItem(atPath: legacy) }
        return secrets
    }

    static func keyStore(in dataDirectory: String) throws -> FileKeyStore {
        let data = dataDirectory as NSString
        let wrapping = try WrappingKey.fromKeyFile(path: data.appendingPathComponent("relay.key"))
        return try FileKeyStore(directory: data.appendingPathComponent("keys"), wrapping: wrapping)
    }

    private static func text(_ secret: SecretBytes) -> String { String(decoding: secret.bytes, as: UTF8.self) }
}

/// Created 0600 by open(2) itself, so the secret is never briefly readable by others.
func writeOwnerOnly(path: String, bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard fd >= 0 else { throw RelayConfigError.unreadableSecrets(path) }
    defer { close(fd) }
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard written == bytes.count, fsync(fd) == 0 else { throw RelayConfigError.unreadableSecrets(path) }
}

func randomHex(_ count: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
}

func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}
