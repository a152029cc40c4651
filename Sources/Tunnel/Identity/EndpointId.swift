/// An iroh endpoint id: the 32-byte Ed25519 public key, written as 64 lowercase hex characters.
public struct EndpointId: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw TunnelError.invalidArgument("endpoint id must be 32 bytes, got \(bytes.count)") }
        self.bytes = bytes
    }

    public init(hex: String) throws {
        guard hex.utf8.count == 64, let bytes = Hex.decode(hex) else {
            throw TunnelError.invalidArgument("endpoint id must be 64 hex characters: \(hex)")
        }
        self.bytes = bytes
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    /// The DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410); the raw key follows it.
    static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// Reads the endpoint id out of a raw-public-key certificate (RFC 7250), or nil when it is not
    /// exactly an Ed25519 SubjectPublicKeyInfo.
    init?(subjectPublicKeyInfo der: [UInt8]) {
        guard der.count == 44, Array(der.prefix(12)) == Self.spkiPrefix else { return nil }
        self.bytes = Array(der.suffix(32))
    }
}
