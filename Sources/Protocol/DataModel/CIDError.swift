/// Why bytes or a string are not a CID this data model accepts.
public enum CIDError: Error, Equatable, Sendable {
    case empty
    /// Not CIDv1; CIDv0 (`Qm...`, binary starting 0x12 0x20) lands here with version 0x12.
    case unsupportedVersion(UInt64)
    /// A codec other than dag-cbor (0x71) or raw (0x55), e.g. dag-pb 0x70.
    case unsupportedCodec(UInt64)
    /// A multihash other than sha2-256 (0x12).
    case unsupportedHash(UInt64)
    /// The multihash declares a digest length other than 32.
    case invalidDigestLength(UInt64)
    case truncated
    /// Bytes after the digest where a whole CID was expected.
    case trailingBytes(Int)
    case invalidVarint(Varint.DecodeError)
    /// A multibase prefix other than `b` (base32 lower).
    case unsupportedMultibase(String)
    case invalidBase32(Base32.DecodeError)
}
