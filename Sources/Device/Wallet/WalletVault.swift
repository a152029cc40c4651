import Foundation
import Keys

/// The wallet's secrets at rest: share 1 and the account password, in a FileKeyStore under
/// `<dir>/keys`. Unlocked by a passphrase (scrypt) when one is given, else by `<dir>/wallet.key`
/// (0600) for unattended use, which protects against other users but not against root.
public struct WalletVault: Sendable {
    public static let shareName = "share-1"
    public static let passwordName = "account-password"
    let store: any KeyStore

    public init(directory: String, passphrase: SecretBytes?) throws(WalletError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .usage("cannot create \(directory)")
        }
        do {
            let wrapping = try passphrase.map { (p) throws(KeyStoreError) in try WrappingKey.fromPassphrase(p, directory: directory) }
                ?? WrappingKey.fromKeyFile(path: (directory as NSString).appendingPathComponent("wallet.key"))
            store = try FileKeyStore(directory: (directory as NSString).appendingPathComponent("keys"), wrapping: wrapping)
        } catch {
            throw .usage("cannot open the wallet key store: \(error)")
        }
    }

    public func put(_ secret: SecretBytes, _ name: String) throws(WalletError) {
        do { try store.store(secret, name: name) } catch { throw .usage("key store: \(error)") }
    }

    public func get(_ name: String) throws(WalletError) -> SecretBytes? {
        do { return try store.load(name: name) } catch { throw .usage("key store: \(error)") }
    }

    public func remove(_ name: String) throws(WalletError) {
        do { try store.delete(name: name) } catch { throw .usage("key store: \(error)") }
    }
}
