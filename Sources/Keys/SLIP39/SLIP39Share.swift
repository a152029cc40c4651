/// One SLIP-0039 share and its metadata. Its words are the share: `description` hides them.
public struct SLIP39Share: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let identifier: Int
    public let extendable: Bool
    public let iterationExponent: Int
    public let groupIndex: Int
    public let groupThreshold: Int
    public let groupCount: Int
    public let memberIndex: Int
    public let memberThreshold: Int
    let value: [UInt8]

    static let minimumWords = 20

    public var description: String {
        "SLIP39Share(id \(identifier), group \(groupIndex + 1)/\(groupCount), member \(memberIndex + 1) of \(memberThreshold)-of-n, <redacted>)"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// The mnemonic: word indices of id/exponent (2 words), parameters (2), value, checksum (3).
    public var words: [String] {
        var idExp = identifier << 5
        idExp += (extendable ? 1 : 0) << 4
        idExp += iterationExponent
        var params = groupIndex
        params = (params << 4) + (groupThreshold - 1)
        params = (params << 4) + (groupCount - 1)
        params = (params << 4) + memberIndex
        params = (params << 4) + (memberThreshold - 1)
        let data = [idExp >> 10, idExp & 1023, params >> 10, params & 1023] + Self.valueWords(value)
        return (data + RS1024.checksum(data, extendable: extendable)).map { SLIP39Wordlist.words[$0] }
    }

    public var mnemonic: SecretBytes { SecretBytes(Array(words.joined(separator: " ").utf8)) }

    /// Parses one mnemonic; `position` (1-based) names the share in errors.
    public static func parse(_ mnemonic: String, position: Int = 1) throws(SLIP39Error) -> SLIP39Share {
        let tokens = mnemonic.lowercased().split(whereSeparator: { $0.isWhitespace })
        var data: [Int] = []
        for (i, token) in tokens.enumerated() {
            guard let index = SLIP39Wordlist.index[String(token)] else { throw .unknownWord(position: i + 1) }
            data.append(index)
        }
        guard data.count >= minimumWords else { throw .invalidLength(words: data.count) }
        let valueWordCount = data.count - 7
        let padding = (10 * valueWordCount) % 16
        guard padding <= 8 else { throw .invalidLength(words: data.count) }
        let idExp = (data[0] << 10) | data[1]
        let extendable = (idExp >> 4) & 1 == 1
        guard RS1024.verify(data, extendable: extendable) else { throw .invalidChecksum(share: position) }
        let params = (data[2] << 10) | data[3]
        let nibbles = (0..<5).map { (params >> (4 * (4 - $0))) & 0xF }
        guard nibbles[2] >= nibbles[1] else { throw .invalidParameters("group threshold exceeds group count in share \(position)") }
        guard let value = bytes(fromWords: Array(data[4..<(data.count - 3)]), padding: padding) else {
            throw .invalidPadding(share: position)
        }
        return SLIP39Share(identifier: idExp >> 5, extendable: extendable, iterationExponent: idExp & 0xF,
                           groupIndex: nibbles[0], groupThreshold: nibbles[1] + 1, groupCount: nibbles[2] + 1,
                           memberIndex: nibbles[3], memberThreshold: nibbles[4] + 1, value: value)
    }

    private static func valueWords(_ value: [UInt8]) -> [Int] {
        let wordCount = (value.count * 8 + 9) / 10
        var bits = [Bool](repeating: false, count: wordCount * 10 - value.count * 8)
        for byte in value { for b in (0..<8).reversed() { bits.append((byte >> UInt8(b)) & 1 == 1) } }
        return (0..<wordCount).map { w in bits[(w * 10)..<(w * 10 + 10)].reduce(0) { ($0 << 1) | ($1 ? 1 : 0) } }
    }

    private static func bytes(fromWords words: [Int], padding: Int) -> [UInt8]? {
        var bits: [Bool] = []
        for word in words { for b in (0..<10).reversed() { bits.append((word >> b) & 1 == 1) } }
        guard !bits.prefix(padding).contains(true) else { return nil }
        let payload = Array(bits.dropFirst(padding))
        return stride(from: 0, to: payload.count, by: 8).map { start in
            payload[start..<(start + 8)].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) }
        }
    }
}
