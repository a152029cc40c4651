import Foundation

/// Secrets the embedded default generates on first start and keeps, owner-only, next to the data.
struct SecretsFile: Codable, Sendable {
    var jwtSecret: String
    var plcRotationKeyHex: String
    var adminPassword: String

    static func loadOrCreate(in dataDirectory: String) throws -> SecretsFile {
        let path = (dataDirectory as NSString).appendingPathComponent("secrets.json")
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path),
                  let secrets = try? JSONDecoder().decode(SecretsFile.self, from: data) else {
                throw RelayConfigError.unreadableSecrets(path)
            }
            return secrets
        }
        let secrets = SecretsFile(
            jwtSecret: randomHex(32),
            // Any 32 random bytes are a valid secp256k1 scalar with overwhelming probability.
            plcRotationKeyHex: randomHex(32),
            adminPassword: randomHex(16)
        )
        let data = try JSONEncoder.xrpc.encode(secrets)
        try writeOwnerOnly(path: path, bytes: Array(data))
        return secrets
    }
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
