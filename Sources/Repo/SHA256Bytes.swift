import Crypto

/// The sha2-256 digest of `bytes` as an array. `Array(SHA256.hash(data:))` copies the digest
/// through its generic Sequence iterator, byte by byte; it showed up (about 2%) in the profile of
/// a group commit, which hashes every record, node and commit it writes.
@inline(__always)
func sha256Bytes(_ bytes: [UInt8]) -> [UInt8] {
    SHA256.hash(data: bytes).withUnsafeBytes { Array($0) }
}
