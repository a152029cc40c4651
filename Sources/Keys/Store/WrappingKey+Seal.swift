import Crypto

extension WrappingKey {
    /// AES-256-GCM under this key, bound to `context` (associated data), so a sealed value moved
    /// to another row or file no longer opens. Output: nonce || ciphertext || tag.
    public func seal(_ secret: SecretBytes, context: String) throws(KeyStoreError) -> [UInt8] {
        do {
            let box = try AES.GCM.seal(secret.bytes, using: key, authenticating: Array(context.utf8))
            guard let combined = box.combined else { throw KeyStoreError.unavailable("AES-GCM produced no combined form") }
            return [UInt8](combined)
        } catch {
            throw .unavailable("AES-GCM seal failed")
        }
    }

    public func open(_ sealed: [UInt8], context: String) throws(KeyStoreError) -> SecretBytes {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            return SecretBytes([UInt8](try AES.GCM.open(box, using: key, authenticating: Array(context.utf8))))
        } catch {
            throw .cannotDecrypt(name: context)
        }
    }
}
