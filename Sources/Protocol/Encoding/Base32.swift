/// RFC 4648 base32, lowercase alphabet, no padding: the body of a multibase `b` string (CIDs).
///
/// Decoding is strict so that a string has exactly one decoding and re-encodes to itself:
/// only the lowercase alphabet, no `=` padding, no impossible lengths, zero trailing bits.
public enum Base32 {
    public enum DecodeError: Error, Equatable, Sendable {
        /// A byte outside `a-z2-7` at this character offset (uppercase and `=` included).
        case invalidCharacter(offset: Int)
        /// A length whose remainder mod 8 is 1, 3 or 6 cannot come from whole bytes.
        case invalidLength(Int)
        /// The unused low bits of the last character are not zero (a non-canonical spelling).
        case nonZeroTrailingBits
    }

    static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
    static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ string: some StringProtocol) throws(DecodeError) -> [UInt8] {
        try decode(utf8: Array(string.utf8))
    }

    public static func decode(utf8 chars: some Collection<UInt8>) throws(DecodeError) -> [UInt8] {
        switch chars.count % 8 {
        case 1, 3, 6: throw .invalidLength(chars.count)
        default: break
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for (offset, c) in chars.enumerated() {
            let v = reverse[Int(c)]
            if v == 0xff { throw .invalidCharacter(offset: offset) }
            buffer = (buffer << 5) | UInt32(v)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        if bits > 0 && buffer & ((1 << UInt32(bits)) - 1) != 0 { throw .nonZeroTrailingBits }
        return out
    }
}
