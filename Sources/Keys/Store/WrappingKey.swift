import Crypto
import _CryptoExtras
import Foundation

/// The AES-256 key that seals every file of a `FileKeyStore`: derived from a passphrase with scrypt
/// (interactive wallets), or read from a 0600 key file (unattended relays that cannot ask anyone).
public struct WrappingKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    public var description: String { "WrappingKey(<redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// scrypt cost. `standard` is N=2^15, r=8, p=1 (32 MiB, the libsodium "interactive" level);
    /// tests may pass a cheaper one, and the choice is recorded next to the salt.
    public struct ScryptParameters: Sendable, Equatable, Codable {
        public var logN: Int
        public var r: Int
        public var p: Int
        public init(logN: Int, r: Int, p: Int) { self.logN = logN; self.r = r; self.p = p }
        public static let standard = ScryptParameters(logN: 15, r: 8, p: 1)
    }

    private struct KDFRecord: Codable {
        var salt: String
        var scrypt: ScryptParameters
    }

    /// The key file of an unattended relay; created with 32 random bytes on first use.
    public static func fromKeyFile(path: String, createIfMissing: Bool = true) throws(KeyStoreError) -> WrappingKey {
        if let bytes = try SecureFiles.read(path) {
            try SecureFiles.requireOwnerOnly(path)
            guard bytes.count == 32 else { throw .corrupt(name: path, reason: "key file must hold 32 bytes, has \(bytes.count)") }
            return WrappingKey(key: SymmetricKey(data: bytes))
        }
        guard createIfMissing else { throw .io(path: path, reason: "no such key file") }
        let key = SymmetricKey(size: .bits256)
        try SecureFiles.ensureDirectory((path as NSString).deletingLastPathComponent)
        try SecureFiles.writeAtomically(key.withUnsafeBytes { [UInt8]($0) }, to: path)
        return WrappingKey(key: key)
    }

    /// A passphrase-derived key; the salt and cost live in `<directory>/kdf.json` (not secret).
    public static func fromPassphrase(_ passphrase: SecretBytes, directory: String,
                                      parameters: ScryptParameters = .standard) throws(KeyStoreError) -> WrappingKey {
        try SecureFiles.ensureDirectory(directory)
        let path = (directory as NSString).appendingPathComponent("kdf.json")
        let record: KDFRecord
        if let existing = try SecureFiles.read(path) {
            guard let decoded = try? JSONDecoder().decode(KDFRecord.self, from: Data(existing)) else {
                throw .corrupt(name: "kdf.json", reason: "not a KDF record")
            }
            record = decoded
        } else {
            let salt = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            record = KDFRecord(salt: salt.base64EncodedString(), scrypt: parameters)
            let encoded = (try? JSONEncoder().encode(record)) ?? Data()
            try SecureFiles.writeAtomically([UInt8](encoded), to: path)
        }
        guard let salt = Data(base64Encoded: record.salt), (10...22).contains(record.scrypt.logN) else {
            throw .corrupt(name: "kdf.json", reason: "bad salt or cost")
        }
        do {
            let key = try KDF.Scrypt.deriveKey(from: passphrase.bytes, salt: salt, outputByteCount: 32,
                                               rounds: 1 << record.scrypt.logN, blockSize: record.scrypt.r,
                                               parallelism: record.scrypt.p)
            return WrappingKey(key: key)
        } catch {
            throw .kdf("scrypt refused its parameters")
        }
    }
}
