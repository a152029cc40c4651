import Crypto
import Foundation
import Protocol

/// Each account's K-256 signing key (service auth now, commits with the repo engine), sealed with
/// AES-GCM before it touches account.sqlite. The sealing key is derived from `PDS_JWT_SECRET`
/// (HKDF, own label), so the database alone reveals no signing key.
public struct AccountKeys: Sendable {
    let store: AccountStore
    private let sealingKey: SymmetricKey

    public init(store: AccountStore, secret: String) {
        self.store = store
        sealingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(secret.utf8)),
                                            info: Array("dpds account signing keys v1".utf8), outputByteCount: 32)
    }

    public func create(did: String) async throws -> K256SigningKey {
        let key = K256SigningKey()
        try await keep(key, did: did)
        return key
    }

    /// Keeps a key made before its DID existed (a did:plc genesis names the key it is hashed over).
    public func keep(_ key: K256SigningKey, did: String) async throws {
        let sealed = try AES.GCM.seal(key.rawRepresentation, using: sealingKey, authenticating: Array(did.utf8))
        guard let combined = sealed.combined else { throw KeySealError.sealFailed }
        try await store.storeSealedKey(did: did, sealed: Array(combined))
    }

    public func signingKey(did: String) async throws -> K256SigningKey? {
        guard let sealed = try await store.sealedKey(did: did) else { return nil }
        // The DID is authenticated data: a sealed key moved to another account's row fails to open.
        let raw = try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: sealingKey, authenticating: Array(did.utf8))
        return try K256SigningKey(rawRepresentation: Array(raw))
    }
}

public enum KeySealError: Error { case sealFailed }
