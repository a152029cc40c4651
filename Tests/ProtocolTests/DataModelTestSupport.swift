import Protocol

/// SplitMix64: a tiny seeded PRNG so every random test is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Random data-model values that stress the codec: boundary integers, non-ASCII and
/// equal-length keys (ordering), empty containers, links of both codecs, nesting.
struct RandomDataValues {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    static let boundaryIntegers: [Int64] = [
        0, 1, 23, 24, 255, 256, 65535, 65536, 4_294_967_295, 4_294_967_296, Int64.max,
        -1, -24, -25, -256, -257, -65536, -65537, -4_294_967_296, -4_294_967_297, Int64.min,
    ]
    static let characters: [String] = ["a", "b", "z", "A", "0", " ", "$", "\"", "\\", "\n", "\u{0}", "\u{7f}",
                                       "é", "ñ", "©", "⽘", "☎", "𓋓", "😀", "👨‍👩‍👧", "\u{FEFF}"]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func string(maxLength: Int) -> String {
        let n = int(0...maxLength)
        var s = ""
        for _ in 0..<n { s += RandomDataValues.characters[int(0...RandomDataValues.characters.count - 1)] }
        return s
    }

    mutating func bytes(maxLength: Int) -> [UInt8] {
        (0..<int(0...maxLength)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    mutating func cid() -> CID {
        let digest = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return CID(codec: Bool.random(using: &rng) ? .dagCBOR : .raw, digest: digest)
    }

    mutating func integer() -> Int64 {
        switch int(0...2) {
        case 0: return RandomDataValues.boundaryIntegers[int(0...RandomDataValues.boundaryIntegers.count - 1)]
        case 1: return Int64(int(-1000...1000))
        default: return Int64.random(in: Int64.min...Int64.max, using: &rng)
        }
    }

    mutating func value(depth: Int = 0) -> DataValue {
        let leafOnly = depth >= 5
        switch int(0...(leafOnly ? 6 : 9)) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2, 3: return .integer(integer())
        case 4: return .string(string(maxLength: 30))
        case 5: return .bytes(bytes(maxLength: 70))
        case 6: return .link(cid())
        case 7: return .array((0..<int(0...5)).map { _ in value(depth: depth + 1) })
        default: return map(depth: depth)
        }
    }

    mutating func map(depth: Int) -> DataValue {
        var m: [String: DataValue] = [:]
        for _ in 0..<int(0...8) { m[string(maxLength: 4)] = value(depth: depth + 1) }
        return .map(m)
    }
}

/// Raw byte ranges of the members of each object in a top-level JSON array, so each vector's
/// `json` member reaches our reader byte for byte (floats and bad `$link`s included).
enum RawJSONVectors {
    struct Malformed: Error {}

    static func objects(_ bytes: [UInt8]) throws -> [[String: [UInt8]]] {
        var i = 0
        func ws() { while i < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[i]) { i += 1 } }
        func expect(_ c: Character) throws {
            ws()
            guard i < bytes.count, bytes[i] == c.asciiValue else { throw Malformed() }
            i += 1
        }
        func skipString() throws {
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            guard i < bytes.count else { throw Malformed() }
            i += 1
        }
        func skipValue() throws {
            ws()
            guard i < bytes.count else { throw Malformed() }
            switch bytes[i] {
            case UInt8(ascii: "\""): try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                repeat {
                    guard i < bytes.count else { throw Malformed() }
                    switch bytes[i] {
                    case UInt8(ascii: "\""): try skipString(); continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    default: break
                    }
                    i += 1
                } while depth > 0
            default:
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0a].contains(bytes[i]) { i += 1 }
            }
        }
        var result: [[String: [UInt8]]] = []
        try expect("[")
        while true {
            try expect("{")
            var members: [String: [UInt8]] = [:]
            while true {
                ws()
                let keyStart = i
                try skipString()
                let key = String(decoding: bytes[(keyStart + 1)..<(i - 1)], as: UTF8.self)
                try expect(":")
                ws()
                let valueStart = i
                try skipValue()
                members[key] = Array(bytes[valueStart..<i])
                ws()
                guard i < bytes.count else { throw Malformed() }
                i += 1
                if bytes[i - 1] == UInt8(ascii: "}") { break }
            }
            result.append(members)
            ws()
            guard i < bytes.count else { throw Malformed() }
            i += 1
            if bytes[i - 1] == UInt8(ascii: "]") { return result }
        }
    }
}
