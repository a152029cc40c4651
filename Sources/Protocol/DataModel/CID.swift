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

    /// Binary order without building either binary form: both codecs are one-byte varints right
    /// after the same version byte, and everything after the codec up to the digest is the same.
    public static func < (a: CID, b: CID) -> Bool {
        if a.codec != b.codec { return a.codec.rawValue < b.codec.rawValue }
        return a.digest.lexicographicallyPrecedes(b.digest)
    }

    /// The digest is already uniformly random: its first 8 bytes are as good a hash as all 32,
    /// and feeding one word to the hasher instead of 32 bytes one by one matters in the
    /// dictionaries and sets a commit builds.
    public func hash(into hasher: inout Hasher) {
        var word: UInt64 = 0
        for i in 0..<8 { word = word << 8 | UInt64(digest[i]) }
        hasher.combine(word)
        hasher.combine(codec)
    }
}

import struct Foundation.Data
import protocol Foundation.DataProtocol
