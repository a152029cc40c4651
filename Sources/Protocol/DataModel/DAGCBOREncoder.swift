/// Writes canonical DAG-CBOR into one growing buffer: shortest headers, map keys sorted
/// shorter-first then bytewise, CIDs as tag 42 over 0x00 + binary CID.
struct DAGCBOREncoder {
    var out: [UInt8] = []

    init(capacity: Int = 512) {
        out.reserveCapacity(capacity)
    }

    mutating func write(_ value: DataValue) {
        switch value {
        case .null: out.append(0xf6)
        case .bool(let b): out.append(b ? 0xf5 : 0xf4)
        case .integer(let i):
            // ~i == -1 - i: the CBOR argument of a negative integer.
            if i >= 0 { header(0, UInt64(i)) } else { header(1, UInt64(~i)) }
        case .string(let s): writeString(s)
        case .bytes(let b):
            header(2, UInt64(b.count))
            out.append(contentsOf: b)
        case .link(let cid): writeLink(cid)
        case .array(let items):
            header(4, UInt64(items.count))
            for item in items { write(item) }
        case .map(let map): writeMap(map)
        }
    }

    @inline(__always)
    mutating func header(_ major: UInt8, _ argument: UInt64) {
        let m = major << 5
        if argument < 24 {
            out.append(m | UInt8(argument))
        } else if argument <= 0xff {
            out.append(m | 24)
            out.append(UInt8(argument))
        } else if argument <= 0xffff {
            out.append(m | 25)
            out.append(UInt8(argument >> 8))
            out.append(UInt8(truncatingIfNeeded: argument))
        } else if argument <= 0xffff_ffff {
            out.append(m | 26)
            for shift in stride(from: 24, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift)))
            }
        } else {
            out.append(m | 27)
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: argument >> UInt64(shift)))
            }
        }
    }

    mutating func writeString(_ string: String) {
        var s = string
        s.withUTF8 { utf8 in
            header(3, UInt64(utf8.count))
            out.append(contentsOf: utf8)
        }
    }

    mutating func writeLink(_ cid: CID) {
        // Tag 42, byte string of 1 + 36 bytes: 0x00 multibase-identity prefix, then the binary CID.
        out.append(contentsOf: [0xd8, 0x2a, 0x58, 0x25, 0x00, 0x01, UInt8(cid.codec.rawValue), CID.sha256Code, 0x20])
        out.append(contentsOf: cid.digest)
    }

    /// Sorts entry *indices* in a stack buffer, keyed by (UTF-8 length, first 8 bytes big-endian),
    /// so the common case compares two integers and copies no keys or values.
    mutating func writeMap(_ map: [String: DataValue]) {
        header(5, UInt64(map.count))
        if map.count == 1, let only = map.first {
            writeString(only.key)
            write(only.value)
            return
        }
        if map.isEmpty { return }
        withUnsafeTemporaryAllocation(of: MapSortEntry.self, capacity: map.count) { buffer in
            var n = 0
            var index = map.startIndex
            while index != map.endIndex {
                var key = map.keys[index]
                let (length, prefix) = key.withUTF8 { utf8 -> (Int, UInt64) in
                    var prefix: UInt64 = 0
                    for j in 0..<min(8, utf8.count) { prefix |= UInt64(utf8[j]) << UInt64(56 - 8 * j) }
                    return (utf8.count, prefix)
                }
                buffer.initializeElement(at: n, to: MapSortEntry(length: length, prefix: prefix, index: index))
                n += 1
                map.formIndex(after: &index)
            }
            var entries = UnsafeMutableBufferPointer(rebasing: buffer[0..<n])
            entries.sort { a, b in
                if a.length != b.length { return a.length < b.length }
                if a.prefix != b.prefix || a.length <= 8 { return a.prefix < b.prefix }
                return map.keys[a.index].utf8.lexicographicallyPrecedes(map.keys[b.index].utf8)
            }
            for entry in entries {
                writeString(map.keys[entry.index])
                write(map.values[entry.index])
            }
            entries.deinitialize()
        }
    }

    struct MapSortEntry {
        var length: Int
        var prefix: UInt64
        var index: Dictionary<String, DataValue>.Index
    }

    /// DAG-CBOR map order: shorter UTF-8 first, equal lengths bytewise.
    @inline(__always)
    static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let ac = a.utf8.count, bc = b.utf8.count
        if ac != bc { return ac < bc }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
