#if canImport(Security)
import Foundation
import Security

/// The macOS store: generic-password items in the login Keychain, one per key name, under one
/// service. Deliberately thin: it cannot be built or tested on the Linux machines this project's
/// tests run on, so it only maps the `KeyStore` calls onto SecItem* and nothing else.
public struct KeychainKeyStore: KeyStore {
    public let service: String

    public init(service: String = "net.dpds.keys") { self.service = service }

    public func store(_ secret: SecretBytes, name: String) throws(KeyStoreError) {
        try Self.validate(name: name)
        let query = baseQuery(name)
        SecItemDelete(query as CFDictionary)
        var item = query
        item[kSecValueData as String] = Data(secret.bytes)
        item[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        let status = SecItemAdd(item as CFDictionary, nil)
        guard status == errSecSuccess else { throw .unavailable("SecItemAdd status \(status)") }
    }

    public func load(name: String) throws(KeyStoreError) -> SecretBytes? {
        try Self.validate(name: name)
        var query = baseQuery(name)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        if status == errSecItemNotFound { return nil }
        guard status == errSecSuccess, let data = result as? Data else { throw .unavailable("SecItemCopyMatching status \(status)") }
        return SecretBytes([UInt8](data))
    }

    public func delete(name: String) throws(KeyStoreError) {
        try Self.validate(name: name)
        let status = SecItemDelete(baseQuery(name) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else { throw .unavailable("SecItemDelete status \(status)") }
    }

    public func names() throws(KeyStoreError) -> [String] {
        var query: [String: Any] = [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service]
        query[kSecReturnAttributes as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitAll
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        if status == errSecItemNotFound { return [] }
        guard status == errSecSuccess, let items = result as? [[String: Any]] else { throw .unavailable("SecItemCopyMatching status \(status)") }
        return items.compactMap { $0[kSecAttrAccount as String] as? String }.sorted()
    }

    private func baseQuery(_ name: String) -> [String: Any] {
        [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service, kSecAttrAccount as String: name]
    }
}
#endif
