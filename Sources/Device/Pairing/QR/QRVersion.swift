/// The ISO/IEC 18004 capacity tables for the error-correction levels we use (L and M), and the
/// geometry of each version. The per-block counts are the standard's table 9; the raw module count
/// and the alignment positions follow from the symbol's layout.
public enum QRErrorCorrection: Sendable, CaseIterable {
    case low, medium

    /// The two bits the format information carries (L = 01, M = 00).
    var formatBits: Int { self == .low ? 1 : 0 }

    private var index: Int { self == .low ? 0 : 1 }

    /// Error-correction codewords in each block, by version (index 0 unused).
    private static let eccPerBlock: [[Int]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30,
         30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28,
         28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
    ]
    /// Error-correction blocks, by version (index 0 unused).
    private static let blockCount: [[Int]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20,
         21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37,
         38, 40, 43, 45, 47, 49],
    ]

    func eccCodewordsPerBlock(version: Int) -> Int { Self.eccPerBlock[index][version] }
    func blocks(version: Int) -> Int { Self.blockCount[index][version] }

    /// Data codewords the symbol holds at `version`.
    func dataCodewords(version: Int) -> Int {
        QRVersion.rawModules(version) / 8 - eccCodewordsPerBlock(version: version) * blocks(version: version)
    }
}

enum QRVersion {
    static let range = 1...40

    static func size(_ version: Int) -> Int { version * 4 + 17 }

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawModules(_ version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let align = version / 7 + 2
            result -= (25 * align - 10) * align - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    /// Centre coordinates of the alignment patterns (each pair of them is one pattern).
    static func alignmentPositions(_ version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
        var result = [Int](repeating: 6, count: count)
        var position = size(version) - 7
        for i in stride(from: count - 1, through: 1, by: -1) {
            result[i] = position
            position -= step
        }
        return result
    }
}
