import Foundation
import Keys
import Testing

@Suite struct FileKeyStoreTests {
    static let cheap = WrappingKey.ScryptParameters(logN: 10, r: 8, p: 1)

    private func tempDirectory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        return path
    }

    @Test func roundTripWithPassphraseAndOwnerOnlyModes() throws {
        let dir = tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wrapping = try WrappingKey.fromPassphrase(SecretBytes(Array("correct horse".utf8)), directory: dir, parameters: Self.cheap)
        let store = try FileKeyStore(directory: dir + "/keys", wrapping: wrapping)
        let secret = SecretBytes((0..<32).map { UInt8($0) })
        try store.store(secret, name: "share-1")
        #expect(try store.load(name: "share-1") == secret)
        #expect(try store.names() == ["share-1"])
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/keys/share-1.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let dirAttributes = try FileManager.default.attributesOfItem(atPath: dir + "/keys")
        #expect((dirAttributes[.posixPermissions] as? Int) == 0o700)
        let raw = try Data(contentsOf: URL(fileURLWithPath: dir + "/keys/share-1.key"))
        #expect(raw.range(of: Data(secret.bytes)) == nil)
        try store.delete(name: "share-1")
        #expect(try store.load(name: "share-1") == nil)
    }

    @Test func wrongPassphraseIsRefused() throws {
        let dir = tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let right = try WrappingKey.fromPassphrase(SecretBytes(Array("right".utf8)), directory: dir, parameters: Self.cheap)
        try FileKeyStore(directory: dir + "/keys", wrapping: right).store(SecretBytes([1, 2, 3]), name: "k")
        let wrong = try WrappingKey.fromPassphrase(SecretBytes(Array("wrong".utf8)), directory: dir, parameters: Self.cheap)
        #expect(throws: KeyStoreError.cannotDecrypt(name: "k")) {
            try FileKeyStore(directory: dir + "/keys", wrapping: wrong).load(name: "k")
        }
    }

    @Test func swappedOrAlteredFilesAreRefused() throws {
        let dir = tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try FileKeyStore(directory: dir, wrapping: WrappingKey.fromKeyFile(path: dir + "-wrap/relay.key"))
        try store.store(SecretBytes([9, 9, 9]), name: "a")
        try store.store(SecretBytes([7, 7, 7]), name: "b")
        try FileManager.default.removeItem(atPath: dir + "/b.key")
        try FileManager.default.copyItem(atPath: dir + "/a.key", toPath: dir + "/b.key")
        #expect(throws: KeyStoreError.cannotDecrypt(name: "b")) { try store.load(name: "b") }
        #expect(throws: KeyStoreError.invalidName("../x")) { try store.store(SecretBytes([1]), name: "../x") }
        try? FileManager.default.removeItem(atPath: dir + "-wrap")
    }

    @Test func keyFileMustBeOwnerOnly() throws {
        let dir = tempDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/wrap.key"
        let first = try WrappingKey.fromKeyFile(path: path)
        let store = try FileKeyStore(directory: dir + "/k", wrapping: first)
        try store.store(SecretBytes([5]), name: "x")
        let again = try FileKeyStore(directory: dir + "/k", wrapping: WrappingKey.fromKeyFile(path: path))
        #expect(try again.load(name: "x") == SecretBytes([5]))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: KeyStoreError.insecurePermissions(path: path, mode: "644")) {
            try WrappingKey.fromKeyFile(path: path)
        }
    }

    @Test func secretsRedactThemselves() throws {
        let secret = SecretBytes([0xAB, 0xCD, 0xEF, 0x12])
        var dumped = ""
        dump(secret, to: &dumped)
        let wrapping = try WrappingKey.fromKeyFile(path: tempDirectory() + "/w.key")
        var dumpedKey = ""
        dump(wrapping, to: &dumpedKey)
        for text in ["\(secret)", String(describing: secret), String(reflecting: secret), dumped,
                     "\(wrapping)", String(reflecting: wrapping), dumpedKey, "\([secret])"] {
            #expect(!text.lowercased().contains("abcdef"), "leaked: \(text)")
            #expect(!text.contains("171"), "leaked: \(text)")
        }
        #expect("\(secret)" == "<redacted 4 bytes>")
    }
}
