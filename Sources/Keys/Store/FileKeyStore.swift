import Crypto
import Foundation

/// Keys at rest on Linux and servers: one file per key in a 0700 directory, each 0600 and sealed
/// with AES-256-GCM under a `WrappingKey`. The key's name is the associated data, so renaming or
/// swapping files is detected as tampering.
public struct FileKeyStore: KeyStore {
    public let directory: String
    private let wrapping: WrappingKey
    private static let magic: [UInt8] = Array("DPDSKEY1".utf8)
    private static let suffix = ".key"

    public init(directory: String, wrapping: WrappingKey) throws(KeyStoreError) {
        try SecureFiles.ensureDirectory(directory)
        self.directory = directory
        self.wrapping = wrapping
    }

    public func store(_ secret: SecretBytes, name: String) throws(KeyStoreError) {
        try Self.validate(name: name)
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try AES.GCM.seal(secret.bytes, using: wrapping.key, authenticating: Self.associatedData(name))
        } catch {
            throw .unavailable("AES-GCM seal failed")
        }
        guard let combined = sealed.combined else { throw .unavailable("AES-GCM produced no combined form") }
        try SecureFiles.writeAtomically(Self.magic + [UInt8](combined), to: path(name))
    }

    public func load(name: String) throws(KeyStoreError) -> SecretBytes? {
        try Self.validate(name: name)
        let file = path(name)
        guard let bytes = try SecureFiles.read(file) else { return nil }
        try SecureFiles.requireOwnerOnly(file)
        guard bytes.count >= Self.magic.count + 12 + 16, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw .corrupt(name: name, reason: "not a dpds key file")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: bytes.dropFirst(Self.magic.count))
            let plain = try AES.GCM.open(box, using: wrapping.key, authenticating: Self.associatedData(name))
            return SecretBytes([UInt8](plain))
        } catch {
            throw .cannotDecrypt(name: name)
        }
    }

    public func delete(name: String) throws(KeyStoreError) {
        try Self.validate(name: name)
        let file = path(name)
        guard FileManager.default.fileExists(atPath: file) else { return }
        do { try FileManager.default.removeItem(atPath: file) } catch { throw .io(path: file, reason: "remove failed") }
    }

    public func names() throws(KeyStoreError) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw .io(path: directory, reason: "cannot list")
        }
        return entries.filter { $0.hasSuffix(Self.suffix) && !$0.hasPrefix(".") }
            .map { String($0.dropLast(Self.suffix.count)) }.sorted()
    }

    private func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name + Self.suffix)
    }

    private static func associatedData(_ name: String) -> [UInt8] { Array("dpds-key:\(name)".utf8) }
}
