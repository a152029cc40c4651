/// A QR code symbol (ISO/IEC 18004, model 2) holding bytes in byte mode. Written for dpds (no QR
/// package is available to the project): the smallest version that fits, Reed-Solomon blocks
/// interleaved as the standard lays out, and the mask with the lowest penalty score.
public struct QRCode: Sendable, Equatable {
    public let version: Int
    public let errorCorrection: QRErrorCorrection
    public let mask: Int
    public let size: Int
    /// Row-major, `true` = dark.
    public let modules: [Bool]

    public enum EncodeError: Error, Equatable, CustomStringConvertible {
        case tooLong(bytes: Int)
        case invalidMask(Int)
        public var description: String {
            switch self {
            case .tooLong(let n): "\(n) bytes do not fit in a QR code at this error-correction level"
            case .invalidMask(let m): "mask \(m) is not one of 0...7"
            }
        }
    }

    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    public init(text: String, errorCorrection: QRErrorCorrection = .medium) throws(EncodeError) {
        try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes `bytes`; `version` and `mask` are chosen unless given (tests pin them).
    public init(bytes: [UInt8], errorCorrection: QRErrorCorrection = .medium, version: Int? = nil,
                mask: Int? = nil) throws(EncodeError) {
        let chosen = version ?? QRVersion.range.first { Self.bitsNeeded(bytes.count, version: $0) <= errorCorrection.dataCodewords(version: $0) * 8 }
        guard let chosen, QRVersion.range.contains(chosen),
              Self.bitsNeeded(bytes.count, version: chosen) <= errorCorrection.dataCodewords(version: chosen) * 8 else {
            throw .tooLong(bytes: bytes.count)
        }
        if let mask, !(0...7).contains(mask) { throw .invalidMask(mask) }
        let codewords = Self.codewords(bytes, version: chosen, ecc: errorCorrection)
        var matrix = QRMatrix(version: chosen)
        matrix.drawFunctionPatterns()
        matrix.place(codewords)
        let best = mask ?? (0...7).min { a, b in
            matrix.masked(a, ecc: errorCorrection).penalty() < matrix.masked(b, ecc: errorCorrection).penalty()
        }!
        let final = matrix.masked(best, ecc: errorCorrection)
        self.version = chosen
        self.errorCorrection = errorCorrection
        self.mask = best
        size = final.size
        modules = final.modules
    }

    /// Mode indicator, character count and the data, in bits.
    static func bitsNeeded(_ count: Int, version: Int) -> Int { 4 + (version <= 9 ? 8 : 16) + 8 * count }

    /// The data codewords (with terminator and padding) and their error correction, interleaved.
    static func codewords(_ bytes: [UInt8], version: Int, ecc: QRErrorCorrection) -> [UInt8] {
        var bits = QRBitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version <= 9 ? 8 : 16)
        for b in bytes { bits.append(Int(b), count: 8) }
        let capacity = ecc.dataCodewords(version: version) * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var data = bits.bytes
        var pad: UInt8 = 0xEC
        while data.count * 8 < capacity {
            data.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return interleave(data, version: version, ecc: ecc)
    }

    static func interleave(_ data: [UInt8], version: Int, ecc: QRErrorCorrection) -> [UInt8] {
        let blockCount = ecc.blocks(version: version)
        let eccLength = ecc.eccCodewordsPerBlock(version: version)
        let raw = QRVersion.rawModules(version) / 8
        let shortBlocks = blockCount - raw % blockCount
        let shortLength = raw / blockCount
        let divisor = QRReedSolomon.divisor(degree: eccLength)
        var blocks: [[UInt8]] = []
        var offset = 0
        for i in 0..<blockCount {
            let length = shortLength - eccLength + (i < shortBlocks ? 0 : 1)
            let chunk = Array(data[offset..<offset + length])
            offset += length
            var block = chunk
            // Short blocks get a placeholder so every block has the same data width.
            if i < shortBlocks { block.append(0) }
            blocks.append(block + QRReedSolomon.remainder(chunk, divisor: divisor))
        }
        var result: [UInt8] = []
        for i in 0..<blocks[0].count {
            for (j, block) in blocks.enumerated() where i != shortLength - eccLength || j >= shortBlocks {
                result.append(block[i])
            }
        }
        return result
    }
}

struct QRBitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        guard count > 0 else { return }
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            (0..<8).reduce(UInt8(0)) { acc, i in acc << 1 | (start + i < bits.count && bits[start + i] ? 1 : 0) }
        }
    }
}
