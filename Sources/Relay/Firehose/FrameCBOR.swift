import Protocol

/// Canonical DAG-CBOR for the firehose frames (map keys length-first then bytewise, shortest
/// integers, CIDs as tag 42). A stand-in until the datamodel's `DAGCBOR.encode` lands on main;
/// then this file goes and frames call that instead.
enum FrameCBOR {
    static func encode(_ value: DataValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    private static func append(_ value: DataValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(0xf6)
        case .bool(let b): out.append(b ? 0xf5 : 0xf4)
        case .integer(let i):
            if i >= 0 { head(0, UInt64(i), &out) } else { head(1, UInt64(-(i + 1)), &out) }
        case .string(let s):
            head(3, UInt64(s.utf8.count), &out)
            out.append(contentsOf: s.utf8)
        case .bytes(let b):
            head(2, UInt64(b.count), &out)
            out.append(contentsOf: b)
        case .link(let cid):
            head(6, 42, &out)
            let bytes = [0x00] + cid.bytes
            head(2, UInt64(bytes.count), &out)
            out.append(contentsOf: bytes)
        case .array(let items):
            head(4, UInt64(items.count), &out)
            for item in items { append(item, to: &out) }
        case .map(let map):
            head(5, UInt64(map.count), &out)
            let keys = map.keys.sorted { a, b in
                a.utf8.count != b.utf8.count ? a.utf8.count < b.utf8.count : Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
            }
            for key in keys {
                append(.string(key), to: &out)
                append(map[key]!, to: &out)
            }
        }
    }

    private static func head(_ major: UInt8, _ value: UInt64, _ out: inout [UInt8]) {
        let m = major << 5
        switch value {
        case ..<24: out.append(m | UInt8(value))
        case ..<0x100: out.append(contentsOf: [m | 24, UInt8(value)])
        case ..<0x10000: out.append(m | 25); out.append(contentsOf: bigEndian(value, 2))
        case ..<0x1_0000_0000: out.append(m | 26); out.append(contentsOf: bigEndian(value, 4))
        default: out.append(m | 27); out.append(contentsOf: bigEndian(value, 8))
        }
    }

    private static func bigEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
        (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
