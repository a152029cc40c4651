/// Unsigned LEB128 varints as multiformats and CAR use them: at most 9 bytes (63 bits), minimal form.
public enum Varint {
    public enum DecodeError: Error, Equatable, Sendable {
        case truncated
        case tooLong
        case notMinimal
    }

    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    public static func encode(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    /// Decodes one varint from the front of `bytes`, returning the value and the bytes consumed.
    /// Rejects non-minimal encodings (a trailing 0x00 continuation) as the multiformats spec requires.
    public static func decode<C: Collection<UInt8>>(_ bytes: C) throws(DecodeError) -> (value: UInt64, length: Int) {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var count = 0
        for byte in bytes {
            count += 1
            if count > 9 { throw .tooLong }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && count > 1 { throw .notMinimal }
                return (value, count)
            }
            shift += 7
        }
        throw .truncated
    }
}
