import Protocol

/// The relay's own keys for identity work, from its configuration.
enum RelayIdentityKeys {
    enum Failure: Error, CustomStringConvertible {
        case badRotationKey
        var description: String { "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX is not 64 hex digits of a valid secp256k1 key" }
    }

    /// `PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX`, else the one generated into the secrets file.
    static func rotationKey(_ config: RelayConfig) throws -> K256SigningKey {
        let hex = Array(config.plcRotationKeyHex.utf8)
        guard hex.count == 64 else { throw Failure.badRotationKey }
        var raw: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else { throw Failure.badRotationKey }
            raw.append(byte)
        }
        do { return try K256SigningKey(rawRepresentation: raw) } catch { throw Failure.badRotationKey }
    }
}
