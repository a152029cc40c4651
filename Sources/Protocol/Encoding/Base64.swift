/// RFC 4648 base64 (standard alphabet) and base64url.
///
/// Which form where: the data model's JSON `$bytes` is standard alphabet without padding;
/// JWTs and DPoP use base64url without padding. Decoding accepts both padded and unpadded input
/// in the chosen alphabet (peers differ), but never mixes alphabets or tolerates whitespace.
/// Non-zero trailing bits are tolerated, as Go's and JavaScript's default decoders do.
public enum Base64 {
    public enum DecodeError: Error, Equatable, Sendable {
        /// A byte outside the chosen alphabet (or a misplaced `=`) at this character offset.
        case invalidCharacter(offset: Int)
        /// Length mod 4 == 1 unpadded, or padding that does not complete a 4-character group.
        case invalidLength(Int)
    }

    static let standard: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlSafe: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let standardReverse = reverseTable(standard)
    static let urlSafeReverse = reverseTable(urlSafe)

    static func reverseTable(_ alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0xff, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }

    public static func encode(_ bytes: some Collection<UInt8>, url: Bool = false, padded: Bool = true) -> String {
        let table = url ? urlSafe : standard
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(table[Int(n >> 18)])
            out.append(table[Int((n >> 12) & 63)])
            out.append(table[Int((n >> 6) & 63)])
            out.append(table[Int(n & 63)])
            i += 3
        }
        let rest = input.count - i
        if rest > 0 {
            var n = UInt32(input[i]) << 16
            if rest == 2 { n |= UInt32(input[i + 1]) << 8 }
            out.append(table[Int(n >> 18)])
            out.append(table[Int((n >> 12) & 63)])
            if rest == 2 { out.append(table[Int((n >> 6) & 63)]) }
            if padded { out.append(contentsOf: rest == 2 ? [61] : [61, 61]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ string: some StringProtocol, url: Bool = false) throws(DecodeError) -> [UInt8] {
        try decode(utf8: Array(string.utf8), url: url)
    }

    public static func decode(utf8 input: [UInt8], url: Bool = false) throws(DecodeError) -> [UInt8] {
        var chars = input[...]
        if chars.count % 4 == 0, chars.last == UInt8(ascii: "=") {
            chars = chars.dropLast()
            if chars.last == UInt8(ascii: "=") { chars = chars.dropLast() }
            if chars.count % 4 == 1 { throw .invalidLength(input.count) }
        }
        if chars.count % 4 == 1 { throw .invalidLength(input.count) }
        let table = url ? urlSafeReverse : standardReverse
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var offset = 0
        for c in chars {
            let v = table[Int(c)]
            if v == 0xff { throw .invalidCharacter(offset: offset) }
            buffer = (buffer << 6) | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
            offset += 1
        }
        return out
    }
}
