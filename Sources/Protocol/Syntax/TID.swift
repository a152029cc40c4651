/// A timestamp identifier: 13 characters of base32-sortable encoding a 64-bit integer whose top bit
/// is 0, then 53 bits of microseconds since the Unix epoch, then a 10-bit clock id.
/// String order and integer order agree.
public struct TID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    static let alphabet = Array("234567abcdefghijklmnopqrstuvwxyz".utf8)
    static let reverse: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()
    public static let maxMicroseconds: UInt64 = (1 << 53) - 1
    public static let maxClockID: UInt16 = (1 << 10) - 1

    /// The packed 63-bit value.
    public let rawValue: UInt64

    public init(string: String) throws(SyntaxError) {
        let b = Array(string.utf8)
        if b.isEmpty { throw SyntaxError(.tid, string, .empty) }
        if b.count != 13 {
            throw SyntaxError(.tid, string, b.count < 13 ? .tooShort(length: b.count, min: 13) : .tooLong(length: b.count, max: 13))
        }
        var value: UInt64 = 0
        for (i, c) in b.enumerated() {
            guard c < 128, Self.reverse[Int(c)] >= 0 else {
                throw SyntaxError(.tid, string, .invalidCharacter(ASCII.character(in: string, atUTF8Offset: i), offset: i))
            }
            value = value << 5 | UInt64(Self.reverse[Int(c)])
        }
        // 13 x 5 = 65 bits for a 64-bit value: the first character may carry only 4 of them.
        guard Self.reverse[Int(b[0])] < 16 else {
            throw SyntaxError(.tid, string, .malformed("first character must be one of 234567abcdefghij (value exceeds 64 bits)"))
        }
        rawValue = value
    }

    /// Bits beyond the field widths are dropped: microseconds keep their low 53 bits, clock id its low 10.
    public init(microseconds: UInt64, clockID: UInt16) {
        rawValue = (microseconds & Self.maxMicroseconds) << 10 | UInt64(clockID & Self.maxClockID)
    }

    /// Any 64-bit value has a TID string; generated TIDs always leave the top bit clear.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public var microseconds: UInt64 { rawValue >> 10 }
    public var clockID: UInt16 { UInt16(rawValue & UInt64(Self.maxClockID)) }

    public var string: String {
        var out = [UInt8](repeating: 0, count: 13)
        var v = rawValue
        for i in stride(from: 12, through: 0, by: -1) {
            out[i] = Self.alphabet[Int(v & 31)]
            v >>= 5
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { string }

    public static func isValid(_ string: String) -> Bool { (try? TID(string: string)) != nil }

    public static func < (a: TID, b: TID) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        try self.init(string: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
