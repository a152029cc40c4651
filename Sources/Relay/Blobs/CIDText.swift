import Protocol

/// Multibase base32 text of a CID (`b...`), and its parse for the CIDs a blob store accepts
/// (v1, raw or dag-cbor, sha2-256). Stand-in until the datamodel's `CID.string`/`init(string:)` land.
enum CIDText {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    static func string(_ cid: CID) -> String {
        var out = [UInt8(ascii: "b")]
        var buffer = 0, bits = 0
        for byte in cid.bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func parse(_ text: String) -> CID? {
        guard text.first == "b" else { return nil }
        var bytes: [UInt8] = []
        var buffer = 0, bits = 0
        for char in text.utf8.dropFirst() {
            guard let value = alphabet.firstIndex(of: char) else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
            buffer &= (1 << bits) - 1
        }
        guard bytes.count == 36, bytes[0] == 0x01, bytes[2] == 0x12, bytes[3] == 0x20,
              let codec = CID.Codec(rawValue: UInt64(bytes[1])) else { return nil }
        let cid = CID(codec: codec, digest: Array(bytes[4...]))
        // Non-canonical text (trailing bits set) would alias another CID's storage key.
        return string(cid) == text ? cid : nil
    }
}
