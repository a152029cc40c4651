import Crypto
import _CryptoExtras

/// scrypt as the reference PDS stores it: `<salt hex>:<hash hex>`, N=16384 r=8 p=1, 64-byte key,
/// and (like node's `crypto.scrypt` call there) the salt fed in as its hex text.
/// Keeping the format lets accounts migrate between implementations.
public enum PasswordHasher {
    public static func hash(_ password: String) throws -> String {
        let salt = randomHex(16)
        return salt + ":" + (try derive(password, salt: salt))
    }

    public static func verify(_ password: String, stored: String) -> Bool {
        let parts = stored.split(separator: ":")
        guard parts.count == 2, let derived = try? derive(password, salt: String(parts[0])) else { return false }
        return constantTimeEqual(Array(derived.utf8), Array(parts[1].utf8))
    }

    private static func derive(_ password: String, salt: String) throws -> String {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: Array(salt.utf8),
                                           outputByteCount: 64, rounds: 16384, blockSize: 8, parallelism: 1)
        return key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
