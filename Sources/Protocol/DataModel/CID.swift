import Crypto

/// A CIDv1 as atproto uses it: multicodec dag-cbor (0x71) or raw (0x55), multihash sha2-256.
///
/// `bytes` is the binary CID (version, codec, multihash) without the 0x00 multibase prefix that
/// DAG-CBOR tag 42 adds. The string form is multibase base32 lower (`b...`).
public struct CID: Hashable, Sendable, Comparable {
    public enum Codec: UInt64, Sendable {
        case dagCBOR = 0x71
        case raw = 0x55
    }

    public static let sha256Code: UInt8 = 0x12

    public let codec: Codec
    /// The 32-byte sha2-256 digest.
    public let digest: [UInt8]

    public init(codec: Codec, digest: [UInt8]) {
        precondition(digest.count == 32, "sha2-256 digests are 32 bytes")
        self.codec = codec
        self.digest = digest
    }

    /// The CID of `data` under `codec`, hashing with sha2-256.
    public static func compute(_ codec: Codec, _ data: some DataProtocol) -> CID {
        CID(codec: codec, digest: Array(SHA256.hash(data: data)))
    }

    /// Binary form: 0x01 (version), codec varint, 0x12 0x20 (sha2-256, 32 bytes), digest.
    public var bytes: [UInt8] {
        var out: [UInt8] = [0x01]
        out.reserveCapacity(36)
        Varint.append(codec.rawValue, to: &out)
        out.append(CID.sha256Code)
        out.append(32)
        out.append(contentsOf: digest)
        return out
    }

    public static func < (a: CID, b: CID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}

import struct Foundation.Data
import protocol Foundation.DataProtocol
