/// `did:key` for atproto keys: `did:key:z` + base58btc(multicodec varint + compressed point).
///
/// The same multibase string (without `did:key:`) is the `publicKeyMultibase` of a `Multikey`
/// verification method in a DID document; `parseMultikey` and `multikey` handle that form.
public enum DIDKey {
    static let prefix = "did:key:"
    static let k256Codec: UInt64 = 0xe7
    static let p256Codec: UInt64 = 0x1200

    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case notDIDKey
        case unsupportedMultibase(Character?)
        case invalidBase58
        case invalidMulticodec
        case unsupportedCodec(UInt64)
        case invalidKey(KeyError)

        public var description: String {
            switch self {
            case .notDIDKey: return "not a did:key (must start with \"did:key:\")"
            case .unsupportedMultibase(let c): return "multibase prefix \(c.map { "'\($0)'" } ?? "(empty)") is not base58btc 'z'"
            case .invalidBase58: return "key is not valid base58btc"
            case .invalidMulticodec: return "key has no valid multicodec varint prefix"
            case .unsupportedCodec(let c): return "multicodec 0x\(String(c, radix: 16)) is neither secp256k1-pub (0xe7) nor p256-pub (0x1200)"
            case .invalidKey(let e): return e.description
            }
        }
    }

    public static func parse(_ didKey: String) throws(ParseError) -> any PublicKey {
        guard didKey.hasPrefix(prefix) else { throw .notDIDKey }
        return try parseMultikey(String(didKey.dropFirst(prefix.count)))
    }

    public static func encode(_ key: any PublicKey) -> String {
        prefix + multikey(key)
    }

    /// `z`-prefixed multibase of multicodec + compressed point.
    public static func multikey(_ key: any PublicKey) -> String {
        var bytes = Varint.encode(codec(of: key.curve))
        bytes.append(contentsOf: key.compressed)
        return "z" + Base58.encode(bytes)
    }

    public static func parseMultikey(_ multibase: String) throws(ParseError) -> any PublicKey {
        let bytes = try base58btc(multibase)
        let codec: UInt64, length: Int
        do { (codec, length) = try Varint.decode(bytes) } catch { throw .invalidMulticodec }
        let point = Array(bytes[length...])
        switch codec {
        case k256Codec: return try key(.k256, point)
        case p256Codec: return try key(.p256, point)
        default: throw .unsupportedCodec(codec)
        }
    }

    /// The legacy DID-document form (`EcdsaSecp256k1VerificationKey2019` and friends): base58btc of
    /// the bare compressed point, with the curve known from the document's `type`.
    public static func parseLegacyMultibase(_ multibase: String, curve: KeyCurve) throws(ParseError) -> any PublicKey {
        try key(curve, try base58btc(multibase))
    }

    private static func key(_ curve: KeyCurve, _ point: [UInt8]) throws(ParseError) -> any PublicKey {
        do {
            switch curve {
            case .k256: return try K256PublicKey(compressed: point)
            case .p256: return try P256PublicKey(compressed: point)
            }
        } catch {
            throw .invalidKey(error)
        }
    }

    static func codec(of curve: KeyCurve) -> UInt64 {
        switch curve {
        case .k256: return k256Codec
        case .p256: return p256Codec
        }
    }

    private static func base58btc(_ multibase: String) throws(ParseError) -> [UInt8] {
        guard multibase.first == "z" else { throw .unsupportedMultibase(multibase.first) }
        guard let bytes = Base58.decode(String(multibase.dropFirst())) else { throw .invalidBase58 }
        return bytes
    }
}
