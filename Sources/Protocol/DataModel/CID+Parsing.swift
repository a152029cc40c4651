/// Parsing CIDs from their binary and string forms.
///
/// What we accept, and why: atproto "blesses" only CIDv1 + sha2-256 (32-byte digest) with the
/// dag-cbor (records, commits, MST nodes) or raw (blobs) codec, and its data-model fixtures use
/// nothing else. `CID` can only hold those, so everything else (CIDv0 `Qm...`, dag-pb
/// `bafybei...`, other hashes, non-`b` multibases) fails with a typed `CIDError` instead of
/// being carried around half-understood. The generic CID *syntax* (which admits those) is a
/// separate check in the syntax validators.
extension CID {
    /// A whole binary CID (no multibase prefix byte); trailing bytes are an error.
    public init(bytes: some Collection<UInt8>) throws(CIDError) {
        let array = Array(bytes)
        let (cid, length) = try CID.decodePrefix(array[...])
        if length != array.count { throw .trailingBytes(array.count - length) }
        self = cid
    }

    /// A multibase base32-lower string (`b...`), the canonical atproto CID string.
    public init(string: String) throws(CIDError) {
        var utf8 = string.utf8[...]
        guard let prefix = utf8.popFirst() else { throw .empty }
        guard prefix == UInt8(ascii: "b") else {
            throw .unsupportedMultibase(String(decoding: [prefix], as: UTF8.self))
        }
        let bytes: [UInt8]
        do { bytes = try Base32.decode(utf8: utf8) } catch { throw .invalidBase32(error) }
        try self.init(bytes: bytes)
    }

    /// Reads one binary CID from the front of `bytes` (CAR sections, tag-42 payloads), returning
    /// it with the number of bytes it took.
    public static func decodePrefix(_ bytes: ArraySlice<UInt8>) throws(CIDError) -> (cid: CID, length: Int) {
        guard !bytes.isEmpty else { throw .empty }
        var cursor = bytes.startIndex
        func varint() throws(CIDError) -> UInt64 {
            do {
                let (value, length) = try Varint.decode(bytes[cursor...])
                cursor += length
                return value
            } catch {
                throw error == .truncated ? .truncated : .invalidVarint(error)
            }
        }
        let version = try varint()
        guard version == 1 else { throw .unsupportedVersion(version) }
        let codecCode = try varint()
        guard let codec = Codec(rawValue: codecCode) else { throw .unsupportedCodec(codecCode) }
        let hash = try varint()
        guard hash == UInt64(CID.sha256Code) else { throw .unsupportedHash(hash) }
        let digestLength = try varint()
        guard digestLength == 32 else { throw .invalidDigestLength(digestLength) }
        guard bytes.endIndex - cursor >= 32 else { throw .truncated }
        let digest = Array(bytes[cursor..<cursor + 32])
        return (CID(codec: codec, digest: digest), cursor + 32 - bytes.startIndex)
    }

    /// Multibase base32 lower: `b` followed by the unpadded base32 of `bytes`.
    public var string: String { "b" + Base32.encode(bytes) }
}

extension CID: CustomStringConvertible {
    public var description: String { string }
}
